using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;
using static Bitsmith.Emit.Tests.HandBuiltModels;

namespace Bitsmith.Emit.Tests
{
    /// <summary>
    /// One f32 MaxPool a model, for each of the reference's two NaN rules (<see cref="MaxPoolNaN"/>)
    /// on every generated path: the loop nest (windows of up to 16 taps unrolled, larger ones as
    /// loops; 1-D, 2-D and 3-D; with the Indices output) and the 2-D kernel (interior windows and
    /// border windows), with windows partly or wholly in the padding. Inputs are a third NaN of
    /// several bit patterns (payloads, negative, signalling), with zeros of both signs and infinities.
    /// </summary>
    public static class MaxPoolNaNModels
    {
        /// <summary>The name prefix of these cases.</summary>
        public const string Prefix = "maxpool-nan/";

        private const int InputSets = 3;

        public static IEnumerable<ModelCase> All()
        {
            var pools = new (string Name, int[] Shape, long[] Kernel, long[] Strides, long[] Dilations, long[] Pads, bool Ceil)[]
            {
                ("unit 3x3 padded", new[] { 2, 3, 6, 7 }, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 1, 1, 1, 1 }, false),
                ("unit 5x5 padded (loops)", new[] { 1, 2, 7, 6 }, new long[] { 5, 5 }, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 2, 1, 2, 3 }, false),
                ("unit pads past the kernel", new[] { 1, 2, 3, 3 }, new long[] { 2, 2 }, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 2, 0, 2, 2 }, false),
                ("strided 2x2 ceil", new[] { 1, 3, 7, 5 }, new long[] { 2, 2 }, new long[] { 2, 2 }, new long[] { 1, 1 }, new long[] { 0, 0, 0, 1 }, true),
                ("strided 5x4 (loops)", new[] { 1, 2, 9, 8 }, new long[] { 5, 4 }, new long[] { 2, 1 }, new long[] { 1, 1 }, new long[] { 2, 2, 2, 2 }, false),
                ("dilated with empty windows", new[] { 1, 2, 2, 5 }, new long[] { 2, 2 }, new long[] { 1, 1 }, new long[] { 3, 1 }, new long[] { 2, 0, 2, 0 }, false),
            };
            foreach (var p in pools)
                foreach (string implementation in new[] { "Generic", "maxpool_f32_2d" })
                    yield return Pool($"{p.Name} on {implementation}", p.Shape, implementation, indices: false,
                        ("kernel_shape", p.Kernel), ("strides", p.Strides), ("dilations", p.Dilations), ("pads", p.Pads), ("ceil_mode", p.Ceil ? 1L : 0L));

            yield return Pool("1-D unit padded", new[] { 2, 2, 9 }, "Generic", indices: false, ("kernel_shape", new long[] { 3 }), ("pads", new long[] { 1, 2 }));
            yield return Pool("1-D dilated with empty windows", new[] { 1, 2, 2 }, "Generic", indices: false,
                ("kernel_shape", new long[] { 2 }), ("dilations", new long[] { 3 }), ("pads", new long[] { 2, 2 }));
            yield return Pool("3-D unit", new[] { 1, 2, 3, 4, 3 }, "Generic", indices: false, ("kernel_shape", new long[] { 2, 2, 2 }));
            yield return Pool("3-D strided with empty windows", new[] { 1, 1, 2, 3, 2 }, "Generic", indices: false,
                ("kernel_shape", new long[] { 2, 2, 2 }), ("strides", new long[] { 1, 2, 1 }), ("dilations", new long[] { 3, 1, 3 }), ("pads", new long[] { 2, 1, 2, 2, 1, 2 }));
            yield return Pool("unit with indices", new[] { 1, 2, 5, 5 }, "Generic", indices: true, ("kernel_shape", new long[] { 2, 3 }), ("pads", new long[] { 1, 1, 0, 1 }));
            yield return Pool("strided with column-major indices", new[] { 1, 2, 6, 5 }, "Generic", indices: true,
                ("kernel_shape", new long[] { 3, 2 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }), ("storage_order", 1L));
        }

        private static ModelCase Pool(string name, int[] shape, string implementation, bool indices, params (string Name, object Value)[] attributes)
        {
            var g = new Graph(name.Replace(' ', '_'), null);
            var x = new Value("x", ElementType.Float32, shape);
            g.Inputs.Add(x);
            var node = Node("pool", "MaxPool", new[] { x }, new Value("y", ElementType.Float32, Array.Empty<int>()), attributes);
            if (indices)
                node.Outputs.Add(new Value("indices", ElementType.Int64, Array.Empty<int>()));
            g.Nodes.Add(node);
            g.Outputs.AddRange(node.Outputs);
            TypeInference.Run(g);
            Verifier.Verify(g, VerifierStage.Optimized);
            var random = new Random(name.Length * 31 + shape.Length);
            var sets = Enumerable.Range(0, InputSets).Select(_ => new[] { Input(shape, random) }).ToList();
            var options = new CompileOptions();
            options.StrategyOverrides["pool"] = implementation;
            return new ModelCase(Prefix + name, g, sets, options);
        }

        /// <summary>The bits of the NaNs the inputs hold: .NET's NaN, a payload, a negative one, a signalling one, NumPy's.</summary>
        public static readonly int[] NaNBits = { BitConverter.SingleToInt32Bits(float.NaN), 0x7FC01234, unchecked((int)0xFFC00077), 0x7F800001, MaxPoolNaN.EmptyWindowNaNBits };

        /// <summary>
        /// The NaNs, then zeros and infinities. Cast from memory: the JIT folds <c>Int32BitsToSingle</c>
        /// of a constant through double, which quiets a signalling NaN.
        /// </summary>
        private static readonly float[] Specials = MemoryMarshal.Cast<int, float>(NaNBits).ToArray()
            .Concat(new[] { 0f, -0f, float.PositiveInfinity, float.NegativeInfinity }).ToArray();

        /// <summary>A third NaN (of <see cref="Specials"/>' patterns), some zeros and infinities, the rest in [-2, 2).</summary>
        private static Tensor Input(int[] shape, Random random)
        {
            var t = Tensor.Zeros(ElementType.Float32, shape);
            for (int i = 0; i < t.Length; i++)
            {
                int pick = random.Next(12);
                t.Floats[i] = pick < 4 ? Specials[random.Next(5)] : pick < 6 ? Specials[5 + random.Next(4)] : (float)(random.NextDouble() * 4 - 2);
            }
            return t;
        }
    }
}
