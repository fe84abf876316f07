using System;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// The direct convolution loop nest of Conv, ConvInteger and QLinearConv, in the interpreter's
    /// order (<see cref="Ops.ConvArithmetic"/>): batch, output channel, output position, then
    /// the sum over the group's input channels and the window's taps inside the input.
    /// </summary>
    public sealed class ConvLoops
    {
        public ConvLoops(PlanStep step, int[] x, int[] y)
        {
            Window = Window.Of(step, x, y);
            Groups = (int)step.Int("group");
            Batch = x[0];
            Channels = x[1];
            Filters = y[1];
            GroupChannels = Channels / Groups;
            GroupFilters = Filters / Groups;
        }

        public Window Window { get; }

        public int Groups { get; }

        public int Batch { get; }

        public int Channels { get; }

        public int Filters { get; }

        public int GroupChannels { get; }

        public int GroupFilters { get; }

        /// <summary>Weights of one filter: filter m's first weight is at m times this.</summary>
        public int PerFilter => GroupChannels * Window.KernelSize;

        /// <summary>
        /// Emits the nest. <paramref name="term"/> gives the addend for (filter, flat input index,
        /// flat weight index); <paramref name="finish"/> writes output (filter, flat output index, sum).
        /// </summary>
        public void Emit(LayerContext c, string accumulator, Func<string, string, string, string> term, Action<string, string, string> finish)
        {
            string b = c.Local("b"), m = c.Local("m"), ci = c.Local("c"), acc = c.Local("acc");
            using (c.W.Block($"for (int {b} = 0; {b} < {Batch}; {b}++)"))
            using (c.W.Block($"for (int {m} = 0; {m} < {Filters}; {m}++)"))
            {
                Window.OutputLoops(c, (o, axes) =>
                {
                    c.W.Line($"{accumulator} {acc} = 0;");
                    using (c.W.Block($"for (int {ci} = 0; {ci} < {GroupChannels}; {ci}++)"))
                    {
                        string xBase = c.Local("xBase"), wBase = c.Local("wBase");
                        c.W.Line($"int {xBase} = ({b} * {Channels} + {m} / {GroupFilters} * {GroupChannels} + {ci}) * {Window.InputSize};");
                        c.W.Line($"int {wBase} = ({m} * {GroupChannels} + {ci}) * {Window.KernelSize};");
                        Window.TapLoops(c, axes, (xi, ki, _) => c.W.Line($"{acc} += {term(m, $"{xBase} + {xi}", $"{wBase} + {ki}")};"));
                    }
                    finish(m, OutputIndex(b, m, o), acc);
                });
            }
        }

        /// <summary>The flat index of output (batch, filter, spatial position).</summary>
        public string OutputIndex(string b, string m, string o) => $"({b} * {Filters} + {m}) * {Window.OutputSize} + {o}";
    }
}
