using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Compiler.Ops;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The sliding window of Conv and the pools in generated code: lowered from
    /// <see cref="WindowGeometry"/> into attributes (kernel, strides, dilations, pads), and emitted
    /// as loop nests with constant bounds that visit the taps inside the input in the order
    /// <see cref="WindowGeometry.Taps"/> lists them (row-major kernel order).
    /// </summary>
    public sealed class Window
    {
        private Window(int[] input, int[] output, int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd)
        {
            Input = input;
            Output = output;
            Kernel = kernel;
            Strides = strides;
            Dilations = dilations;
            PadBegin = padBegin;
            PadEnd = padEnd;
        }

        public int[] Input { get; }

        public int[] Output { get; }

        public int[] Kernel { get; }

        public int[] Strides { get; }

        public int[] Dilations { get; }

        public int[] PadBegin { get; }

        public int[] PadEnd { get; }

        public int InputSize => Shape.Size(Input);

        public int OutputSize => Shape.Size(Output);

        public int KernelSize => Shape.Size(Kernel);

        public static IEnumerable<PlanAttribute> Lower(WindowGeometry g) => new[]
        {
            PlanAttribute.Of("kernel", g.Kernel),
            PlanAttribute.Of("strides", g.Strides),
            PlanAttribute.Of("dilations", g.Dilations),
            PlanAttribute.Of("pad-begin", g.PadBegin),
            PlanAttribute.Of("pad-end", g.PadEnd),
        };

        /// <summary>The window of a step over input <paramref name="x"/> [N, C, D...] giving output <paramref name="y"/> [N, M, O...].</summary>
        public static Window Of(PlanStep step, int[] x, int[] y) => new Window(
            x.Skip(2).ToArray(), y.Skip(2).ToArray(), Ints(step, "kernel"), Ints(step, "strides"), Ints(step, "dilations"),
            Ints(step, "pad-begin"), Ints(step, "pad-end"));

        /// <summary>Loops over the output positions; the body gets the flat spatial output index and the per-axis positions.</summary>
        public void OutputLoops(LayerContext c, Action<string, string[]> body)
        {
            var axes = Output.Select(_ => c.Local("o")).ToArray();
            var blocks = new List<IDisposable>();
            for (int d = 0; d < axes.Length; d++)
                blocks.Add(c.W.Block($"for (int {axes[d]} = 0; {axes[d]} < {Output[d]}; {axes[d]}++)"));
            string flat = c.Local("o");
            c.W.Line($"int {flat} = {FlatIndex(axes, Output)};");
            body(flat, axes);
            Close(blocks);
        }

        /// <summary>Windows of at most this many taps are unrolled: loops of two or three trips cost more than the multiply-adds they run.</summary>
        private const int UnrolledTaps = 16;

        /// <summary>
        /// Loops over the taps of the window at output position <paramref name="outputAxes"/> that
        /// fall inside the input; the body gets the flat spatial input index, the flat kernel index
        /// and the input position on each axis. Small windows are unrolled into one test per tap,
        /// visiting the same taps in the same order.
        /// </summary>
        public void TapLoops(LayerContext c, string[] outputAxes, Action<string, string, string[]> body)
        {
            var at = Kernel.Select(_ => c.Local("p")).ToArray();
            if (KernelSize <= UnrolledTaps)
            {
                UnrolledTapsOf(c, outputAxes, at, 0, 0, body);
                return;
            }
            var k = Kernel.Select(_ => c.Local("k")).ToArray();
            var blocks = new List<IDisposable>();
            for (int d = 0; d < k.Length; d++)
            {
                blocks.Add(c.W.Block($"for (int {k[d]} = 0; {k[d]} < {Kernel[d]}; {k[d]}++)"));
                c.W.Line($"int {at[d]} = {Position(outputAxes[d], k[d], d)};");
                c.W.Line($"if ((uint){at[d]} >= {Input[d]}u) continue;");
            }
            body(FlatIndex(at, Input), FlatIndex(k, Kernel), at);
            Close(blocks);
        }

        /// <summary>Axis <paramref name="d"/> onwards of an unrolled window, <paramref name="kernelIndex"/> the flat kernel index of the axes before it.</summary>
        private void UnrolledTapsOf(LayerContext c, string[] outputAxes, string[] at, int d, int kernelIndex, Action<string, string, string[]> body)
        {
            if (d == at.Length)
            {
                body(FlatIndex(at, Input), CSharp.Int(kernelIndex), at);
                return;
            }
            for (int k = 0; k < Kernel[d]; k++)
            {
                string position = Position(outputAxes[d], CSharp.Int(k), d);
                using (c.W.Block($"if ((uint)({position}) < {Input[d]}u)"))
                {
                    c.W.Line($"int {at[d]} = {position};");
                    UnrolledTapsOf(c, outputAxes, at, d + 1, kernelIndex * Kernel[d] + k, body);
                }
            }
        }

        /// <summary>The input coordinate on axis <paramref name="d"/> of kernel tap <paramref name="k"/> at output position <paramref name="o"/>.</summary>
        public string Position(string o, string k, int d)
        {
            var terms = new List<string> { Strides[d] == 1 ? o : $"{o} * {Strides[d]}" };
            if (PadBegin[d] != 0)
                terms.Add($"- {PadBegin[d]}");
            terms.Add(Dilations[d] == 1 ? $"+ {k}" : $"+ {k} * {Dilations[d]}");
            return string.Join(" ", terms);
        }

        public static string FlatIndex(string[] axes, int[] shape)
        {
            var strides = Shape.Strides(shape);
            var terms = axes.Select((a, d) => strides[d] == 1 ? a : $"{a} * {strides[d]}").ToList();
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }

        private static int[] Ints(PlanStep step, string name) => step.Ints(name).Select(v => (int)v).ToArray();

        private static void Close(List<IDisposable> blocks)
        {
            for (int i = blocks.Count - 1; i >= 0; i--)
                blocks[i].Dispose();
        }
    }
}
