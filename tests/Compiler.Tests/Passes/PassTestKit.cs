using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Xunit;

namespace Bitsmith.Compiler.Tests.Passes
{
    /// <summary>
    /// Pass tests import a small built model twice, rewrite one copy, and check both the
    /// structure of the result and that the reference interpreter computes the same on both.
    /// </summary>
    internal static class PassTestKit
    {
        public static Graph ImportModel(OnnxModelBuilder b) => OnnxImporter.Load(b.ToBytes(), "test.onnx");

        /// <summary>Runs single passes through the pipeline (so the verifier runs after each).</summary>
        public static Graph Apply(Graph g, params IPass[] passes)
        {
            Pipeline.Run(g, passes.Select(p => new PipelineEntry(p, Convergence.UntilFixedPoint)).ToArray());
            return g;
        }

        /// <summary>The graph as imported and after <paramref name="passes"/> (the default pipeline when none are given).</summary>
        public static (Graph Before, Graph After) BeforeAndAfter(OnnxModelBuilder b, params IPass[] passes)
        {
            var after = ImportModel(b);
            if (passes.Length == 0)
                Pipeline.Run(after);
            else
                Apply(after, passes);
            return (ImportModel(b), after);
        }

        public static string[] OpTypes(Graph g) => g.Nodes.Select(n => n.OpType).ToArray();

        public static Node Single(Graph g, string opType) => Assert.Single(g.Nodes, n => n.OpType == opType);

        public static Dictionary<string, Tensor> Run(Graph g, params (string Name, Tensor Value)[] inputs) =>
            ReferenceInterpreter.Run(g, inputs.ToDictionary(i => i.Name, i => i.Value));

        /// <summary>Float outputs agree within 1e-5 relative (an absolute floor of 1e-6 for values near 0).</summary>
        public static void AssertSameFloats(Graph before, Graph after, params (string Name, Tensor Value)[] inputs)
        {
            var expected = Run(before, inputs);
            var actual = Run(after, inputs);
            Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
            foreach (var name in expected.Keys)
            {
                Tensor e = expected[name], a = actual[name];
                Assert.Equal(e.Type, a.Type);
                Assert.Equal(e.Shape, a.Shape);
                for (int i = 0; i < e.Length; i++)
                {
                    double x = e.GetDouble(i), y = a.GetDouble(i);
                    Assert.True(Math.Abs(x - y) <= 1e-5 * Math.Abs(x) + 1e-6, $"output '{name}' element {i}: {y} after the pass, {x} before");
                }
            }
        }

        /// <summary>
        /// Quantised outputs agree to one quantisation step (<paramref name="step"/>: the scale of a
        /// dequantised output, 1 for integer codes) and at least <paramref name="exactFraction"/> of
        /// the elements agree exactly: a quantised node sums exact integers where the float
        /// graph rounds, so a value near a rounding boundary may land on the neighbouring code.
        /// </summary>
        public static void AssertWithinOneStep(Graph before, Graph after, double step, double exactFraction, params (string Name, Tensor Value)[] inputs)
        {
            var expected = Run(before, inputs);
            var actual = Run(after, inputs);
            foreach (var name in expected.Keys)
            {
                Tensor e = expected[name], a = actual[name];
                Assert.Equal(e.Type, a.Type);
                Assert.Equal(e.Shape, a.Shape);
                int exact = 0;
                for (int i = 0; i < e.Length; i++)
                {
                    double d = Math.Abs(e.GetDouble(i) - a.GetDouble(i));
                    Assert.True(d <= step * 1.0001, $"output '{name}' element {i}: {a.GetDouble(i)} after the passes, {e.GetDouble(i)} before (step {step})");
                    if (d == 0)
                        exact++;
                }
                Assert.True(exact >= exactFraction * e.Length, $"output '{name}': only {exact} of {e.Length} elements agree exactly");
            }
        }

        /// <summary>Deterministic pseudo-random floats in [lo, hi).</summary>
        public static Tensor RandomFloats(int[] shape, int seed, float lo = -1, float hi = 1)
        {
            var r = new Random(seed);
            var data = new float[Shape.Size(shape)];
            for (int i = 0; i < data.Length; i++)
                data[i] = lo + (float)r.NextDouble() * (hi - lo);
            return Tensor.FromFloats(shape, data);
        }

        /// <summary>Deterministic pseudo-random integers of <paramref name="type"/> in [lo, hi].</summary>
        public static Tensor RandomInts(ElementType type, int[] shape, int seed, int lo, int hi)
        {
            var r = new Random(seed);
            var t = Tensor.Zeros(type, shape);
            for (int i = 0; i < t.Length; i++)
                t.SetInt64(i, r.Next(lo, hi + 1));
            return t;
        }

        public static float[] Floats(int n, int seed, float lo, float hi) => RandomFloats(new[] { n }, seed, lo, hi).Floats;

        /// <summary>Adds a float initializer of random values.</summary>
        public static string RandomInitializer(OnnxModelBuilder b, string name, int[] shape, int seed, float lo = -1, float hi = 1) =>
            b.Initializer(name, RandomFloats(shape, seed, lo, hi));

        /// <summary>Adds scale and zero-point initializers and a DequantizeLinear of <paramref name="x"/>; returns its output.</summary>
        public static string Dequantize(OnnxModelBuilder b, string x, float[] scale, Tensor zeroPoint, int axis = 1)
        {
            string s = b.Initializer(x + "_scale", scale.Length == 1 ? Tensor.Scalar(scale[0]) : Tensor.FromFloats(new[] { scale.Length }, scale));
            string z = b.Initializer(x + "_zp", zeroPoint);
            return scale.Length == 1
                ? b.Node("DequantizeLinear", new[] { x, s, z })
                : b.Node("DequantizeLinear", new[] { x, s, z }, ("axis", axis));
        }

        /// <summary>QuantizeLinear of <paramref name="x"/> to <paramref name="type"/> per tensor; returns its output.</summary>
        public static string Quantize(OnnxModelBuilder b, string x, float scale, ElementType type, long zeroPoint = 0, string? output = null)
        {
            string s = b.Initializer(x + "_qscale", Tensor.Scalar(scale));
            var zp = Tensor.Zeros(type, Array.Empty<int>());
            zp.SetInt64(0, zeroPoint);
            string z = b.Initializer(x + "_qzp", zp);
            return output == null
                ? b.Node("QuantizeLinear", new[] { x, s, z })
                : b.NodeWithOutputs("QuantizeLinear", new[] { x, s, z }, new[] { output }, output, "")[0];
        }

        /// <summary>Q then DQ with the same per-tensor parameters: a fake-quantised activation.</summary>
        public static string QuantizeDequantize(OnnxModelBuilder b, string x, float scale, ElementType type, long zeroPoint = 0)
        {
            var zp = Tensor.Zeros(type, Array.Empty<int>());
            zp.SetInt64(0, zeroPoint);
            string q = Quantize(b, x, scale, type, zeroPoint);
            return Dequantize(b, q, new[] { scale }, zp);
        }

        public static Tensor Scalar(ElementType type, long value)
        {
            var t = Tensor.Zeros(type, Array.Empty<int>());
            t.SetInt64(0, value);
            return t;
        }
    }
}
