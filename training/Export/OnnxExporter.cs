using System;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Onnx;
using Bitsmith.Training.Model;
using static TorchSharp.torch;

namespace Bitsmith.Training.Export;

/// <summary>
/// Writes a <see cref="QuantSequential"/> as an ONNX model (opset 21) that ONNX Runtime and the
/// compiler execute with the network's eval-mode results.
/// <list type="bullet">
/// <item>Float layers are plain ONNX; a BatchNorm2d after a convolution is folded into it (alone,
/// it is a BatchNormalization node).</item>
/// <item>A quantised weight is its integer levels as an initializer (INT4 for grids of at most 4
/// bits, else INT8 holding the narrower range) with a DequantizeLinear of scale <c>s</c>; a folded
/// BatchNorm makes that scale per output channel (<c>s · γ / σ</c>), the levels stay.</item>
/// <item>An activation quantiser is QuantizeLinear → DequantizeLinear (u8 for unsigned grids, s8
/// for signed), preceded by a Clip to the grid's real range when the grid is narrower than 8 bits;
/// the Q node then carries the metadata <c>bitsmith.bits</c>. The zero point is <c>-β / s</c>, which
/// ONNX needs as an integer: LSQ+ offsets must be multiples of their step
/// (<see cref="QuantSequential.RoundOffsetsToStep"/>), otherwise the export fails. Where z
/// and the levels do not fit the storage type together (a positive offset on an unsigned grid), the
/// codes are the levels shifted by a constant and the zero point shifted with them; where no
/// shift fits (a positive offset on a full 8-bit unsigned grid), the offset is taken off before a
/// zero-point-0 QDQ and added back after it, by float Adds. This is the
/// representable form of LSQ+, exact for every layer whatever its padding (folding <c>W · β</c>
/// into the next bias would be wrong at a padded border).</item>
/// <item>An iPQ weight (<see cref="ICodebookWeight"/>) is <c>Reshape(Gather(codebook[K, d] f32,
/// indices int64, axis 0), shape)</c>, which the compiler recognises; a BatchNorm after such a
/// convolution stays a node. A pruned weight (<see cref="IPrunedWeight"/>) is written masked, its
/// pruned entries zeros (then quantised if the pruner has a quantiser).</item>
/// </list>
/// Biases stay in float. The batch dimension is symbolic ("N").
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 21;

    /// <summary>The model for inputs of shape [N, <paramref name="inputShape"/>…].</summary>
    public static ModelProto Export(QuantSequential model, params int[] inputShape) => Write(model, inputShape).Build();

    public static byte[] ToBytes(QuantSequential model, params int[] inputShape) => Write(model, inputShape).ToBytes();

    public static void Save(QuantSequential model, string path, params int[] inputShape) =>
        File.WriteAllBytes(path, ToBytes(model, inputShape));

    private static OnnxModelBuilder Write(QuantSequential model, int[] inputShape)
    {
        if (inputShape.Length == 0 || inputShape.Any(d => d <= 0))
            throw new ArgumentException("The input shape (without the batch) needs positive dimensions.", nameof(inputShape));
        foreach (var q in model.Quantizers())
        {
            if (!q.IsInitialized)
                throw new InvalidOperationException("A quantiser is not initialised: train the model (or run it once in training mode) before exporting.");
        }

        long[] outputShape = OutputShape(model, inputShape);
        var builder = new OnnxModelBuilder("bitsmith_training", Opset);
        string input = builder.Input("input", Compiler.Ir.ElementType.Float32, new[] { -1 }.Concat(inputShape).ToArray());
        string last = new OnnxGraphWriter(builder).Sequence(model, input);
        builder.NodeWithOutputs("Identity", new[] { last }, new[] { "output" }, "output", "");
        builder.Output("output", Compiler.Ir.ElementType.Float32, new[] { -1 }.Concat(outputShape.Skip(1).Select(d => (int)d)).ToArray());
        return builder;
    }

    /// <summary>Runs one zero sample in eval mode for the output's shape; the module's mode is restored.</summary>
    private static long[] OutputShape(QuantSequential model, int[] inputShape)
    {
        bool training = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return model.forward(zeros(new long[] { 1 }.Concat(inputShape.Select(d => (long)d)).ToArray())).shape;
        }
        finally
        {
            if (training) model.train();
        }
    }
}
