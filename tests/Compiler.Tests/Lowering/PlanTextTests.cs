using System;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Xunit;

namespace Bitsmith.Compiler.Tests.Lowering
{
    /// <summary>The plan's text form: what is written reads back equal, and a broken text says which line.</summary>
    public class PlanTextTests
    {
        [Fact]
        public void CompiledModelsRoundTrip()
        {
            foreach (var path in new[] { TestFiles.DemoModel, TestFiles.ResNet18 })
            {
                var plan = ModelCompiler.Compile(path, new CompileOptions { TargetIsa = "x86-64-v3" }).Plan;
                string text = PlanWriter.Write(plan);
                var read = PlanReader.Parse(text);
                Assert.Equal(plan, read);
                Assert.Equal(text, PlanWriter.Write(read));
            }
        }

        [Fact]
        public void EveryFieldRoundTrips()
        {
            var plan = SamplePlan();
            Assert.Equal(plan, PlanReader.Parse(PlanWriter.Write(plan)));
        }

        [Fact]
        public void EqualPlansAreEqualAndOneChangedFieldIsNot()
        {
            Assert.Equal(SamplePlan(), SamplePlan());
            Assert.Equal(SamplePlan().GetHashCode(), SamplePlan().GetHashCode());
            Assert.NotEqual(SamplePlan(), SamplePlan() with { ArenaBytes = 4160 });
            var steps = SamplePlan().Steps.ToArray();
            steps[0] = steps[0] with { Attributes = ImmutableEquatableArray.Create(PlanAttribute.Of("pads", 1, 1, 1, 2)) };
            Assert.NotEqual(SamplePlan(), SamplePlan() with { Steps = steps.ToImmutableEquatableArray() });
        }

        [Fact]
        public void TextDoesNotDependOnTheCulture()
        {
            var plan = SamplePlan();
            string invariant = PlanWriter.Write(plan);
            var saved = CultureInfo.CurrentCulture;
            try
            {
                // A culture whose minus sign is U+2212 and decimal separator a comma.
                var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
                odd.NumberFormat.NegativeSign = "\u2212";
                odd.NumberFormat.NumberDecimalSeparator = ",";
                CultureInfo.CurrentCulture = odd;
                Assert.Equal(invariant, PlanWriter.Write(plan));
                Assert.Equal(plan, PlanReader.Parse(invariant));
            }
            finally
            {
                CultureInfo.CurrentCulture = saved;
            }
        }

        [Theory]
        [InlineData("", 0, "empty")]
        [InlineData("bitsmith-plan 2\n", 1, "version 2")]
        [InlineData("hello\n", 1, "'bitsmith-plan'")]
        [InlineData("bitsmith-plan 1\nmodel \"m\" source \"s\" isa \"\"\narena x lower-bound 0\n", 3, "must be an integer")]
        [InlineData("bitsmith-plan 1\nmodel \"m\" source \"s\" isa \"\"\nfrobnicate\n", 3, "unknown keyword 'frobnicate'")]
        [InlineData("bitsmith-plan 1\nmodel \"m\" source \"s\" isa \"\"\ninput \"x\n", 3, "unterminated string")]
        [InlineData("bitsmith-plan 1\nmodel \"m\" source \"s\" isa \"\"\narena 0 lower-bound 0\nweights 0 sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\ninput \"x\"\n", 5, "'x' is not a value")]
        [InlineData("bitsmith-plan 1\nmodel \"m\" source \"s\" isa \"\"\narena 0 lower-bound 0\nweights 0 sha256 E3B0\n", 4, "must be 64 lowercase hex digits, is 'E3B0'")]
        [InlineData("bitsmith-plan 1\nvalue \"x\" f32 [2] input 0 row-major\nvalue \"x\" f32 [2] input 0 row-major\n", 3, "defined twice (first on line 2)")]
        [InlineData("bitsmith-plan 1\nvalue \"x\" f99 [2] input 0 row-major\n", 2, "expected an element type")]
        [InlineData("bitsmith-plan 1\nvalue \"x\" f32 2 input 0 row-major\n", 2, "[d0,d1,...]")]
        [InlineData("bitsmith-plan 1\nin \"x\"\n", 2, "'in' outside a step")]
        [InlineData("bitsmith-plan 1\nstep \"a\" Relu \"\" Generic\n  reason \"r\"\n", 2, "step 'a' has no 'cost' line")]
        [InlineData("bitsmith-plan 1\nstep \"a\" Relu \"\" Fast\n", 2, "implementation 'Fast' is unknown")]
        [InlineData("bitsmith-plan 1\nstep \"a\" Relu \"\" Generic\n  reason \"r\"\n  reason \"r\"\n", 4, "given twice")]
        public void ABrokenPlanNamesItsLine(string text, int line, string message)
        {
            var e = Assert.Throws<PlanFormatException>(() => PlanReader.Parse(text));
            Assert.Equal(line, e.Line);
            Assert.Contains(message, e.Message);
            if (line > 0)
                Assert.StartsWith($"plan line {line}: ", e.Message);
        }

        /// <summary>A plan that uses every kind of field: odd names, quantisation per channel, a transposed weight, a workspace, every attribute kind, an activation, an absent input.</summary>
        internal static Plan SamplePlan()
        {
            var quant = new PlanQuant(ImmutableEquatableArray.Create(0.1f, 1e-7f, float.Epsilon), ImmutableEquatableArray.Create(0, -3, 127), 1, 0, 7);
            var values = ImmutableEquatableArray.Create(
                new PlanValue("in put \"0\"\n\u00e9", ElementType.Float32, ImmutableEquatableArray.Create(1, 3, 8, 8), ValueStorage.Input, 0, WeightLayout.RowMajor, null),
                new PlanValue("w", ElementType.Int4, ImmutableEquatableArray.Create(4, 3, 3, 3), ValueStorage.Weight, 64, WeightLayout.Transposed, quant),
                new PlanValue("scalar", ElementType.Int64, ImmutableEquatableArray<int>.Empty, ValueStorage.Arena, 128, WeightLayout.RowMajor, null),
                new PlanValue("y", ElementType.UInt8, ImmutableEquatableArray.Create(1, 4, 8, 8), ValueStorage.Output, 0, WeightLayout.RowMajor, quant with { Axis = 0 }));
            var step = new PlanStep("conv\t1", "Conv", "", "IntegerReference", "because \"quantised\"",
                ImmutableEquatableArray.Create<string?>("in put \"0\"\n\u00e9", "w", null), ImmutableEquatableArray.Create("y"),
                ImmutableEquatableArray.Create(PlanAttribute.Of("pads", 1, 1, 1, 1), PlanAttribute.Of("alpha", -0.5f, float.NaN, float.NegativeInfinity), PlanAttribute.Of("mode", "re flect"), PlanAttribute.Of("empty", Array.Empty<long>())),
                new FusedActivation(ActivationKind.Clip, -1.5f, 6f), 4096, 108, new LayerCost(6912, 4, 8, 54, 1234.5678901234),
                ImmutableEquatableArray.Create(new PlanPacked("weights", "c4-rows rows=4 channels=3 taps=9", 192, 144), new PlanPacked("scales", "f64 count=4", 384, 32)));
            var view = new PlanStep("v", "com.microsoft.Thing", "com.microsoft", "View", "r", ImmutableEquatableArray.Create<string?>("y"), ImmutableEquatableArray.Create("scalar"),
                ImmutableEquatableArray<PlanAttribute>.Empty, new FusedActivation(ActivationKind.Relu), 0, 0, new LayerCost(0, 0, 0, 0, 0), ImmutableEquatableArray<PlanPacked>.Empty);
            return new Plan("model \\ name", "dir/model.onnx", "x86-64-v4", ImmutableEquatableArray.Create("in put \"0\"\n\u00e9"), ImmutableEquatableArray.Create("y"),
                values, ImmutableEquatableArray.Create(step, view), 4224, 4000, 192, new string('a', 64));
        }
    }
}
