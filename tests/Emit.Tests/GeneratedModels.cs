using System;
using System.Collections.Generic;
using System.Linq;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// The test models, compiled, emitted and built into one assembly once for all tests of a
    /// run: one Roslyn compilation for everything keeps the suite fast.
    /// </summary>
    public sealed class GeneratedModels
    {
        public GeneratedModels()
        {
            Conformance = ModelCases.Conformance();
            var cases = new List<ModelCase>(Conformance);
            HandBuilt = HandBuiltModels.All().ToList();
            cases.AddRange(HandBuilt);
            KernelProperties = KernelPropertyModels.All().ToList();
            cases.AddRange(KernelProperties);

            MaxPoolNaN = MaxPoolNaNModels.All().ToList();
            cases.AddRange(MaxPoolNaN);
            FloatKernelProperties = FloatKernelPropertyModels.All().ToList();
            cases.AddRange(FloatKernelProperties);
            SplitKernelProperties = KernelProperties.Concat(FloatKernelProperties)
                .Select(c => new ModelCase(c.Name + " (split)", c.Graph, c.InputSets, c.Options) { SplitEveryLayer = true, Magnitudes = c.Magnitudes, SumTolerance = c.SumTolerance, ReorderedFloatNetwork = c.ReorderedFloatNetwork })
                .ToList();
            cases.AddRange(SplitKernelProperties);
            Demo = TryCreate(ModelCases.DemoModel, cases);
            ProfiledDemo = TryCreate(ModelCases.ProfiledDemoModel, cases);
            ResNet18 = TryCreate(ModelCases.ResNet18, cases);
            Fashion = TryCreate(ModelCases.FashionModel, cases);
            Assembly = new GeneratedAssembly(cases);
        }

        public IReadOnlyList<ModelCase> Conformance { get; }

        public IReadOnlyList<ModelCase> HandBuilt { get; }

        /// <summary>Random layers for the int8 kernels (<see cref="KernelPropertyModels"/>).</summary>
        public IReadOnlyList<ModelCase> KernelProperties { get; }

        /// <summary>The random int8 and float layers again, emitted with every layer that can split split into tiles for threads.</summary>
        public IReadOnlyList<ModelCase> SplitKernelProperties { get; }

        /// <summary>f32 MaxPools on NaN inputs (<see cref="MaxPoolNaNModels"/>).</summary>
        public IReadOnlyList<ModelCase> MaxPoolNaN { get; }

        /// <summary>Random float layers for the f32 kernels (<see cref="FloatKernelPropertyModels"/>).</summary>
        public IReadOnlyList<ModelCase> FloatKernelProperties { get; }

        /// <summary>The demo model, or why it could not be imported.</summary>
        public (ModelCase? Case, string Problem) Demo { get; }

        /// <summary>The demo model emitted as a profiling build (<c>BitsmithProfile</c>).</summary>
        public (ModelCase? Case, string Problem) ProfiledDemo { get; }

        public (ModelCase? Case, string Problem) ResNet18 { get; }

        /// <summary>The trained model samples/FashionApp compiles in.</summary>
        public (ModelCase? Case, string Problem) Fashion { get; }

        public GeneratedAssembly Assembly { get; }

        private static (ModelCase?, string) TryCreate(Func<ModelCase> create, List<ModelCase> cases)
        {
            try
            {
                var c = create();
                cases.Add(c);
                return (c, "");
            }
            catch (Exception e)
            {
                return (null, e.Message);
            }
        }
    }
}
