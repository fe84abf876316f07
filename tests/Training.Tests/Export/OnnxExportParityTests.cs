using System;
using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Onnx;
using Bitsmith.Compiler.Passes;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using IrTensor = Bitsmith.Compiler.Ir.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace Bitsmith.Training.Tests.Export;

/// <summary>
/// The exported file against TorchSharp's eval output (ONNX Runtime with graph optimisations off,
/// so the QDQ nodes run as written), and the compiler (import, passes, reference interpreter)
/// against ONNX Runtime. Quantised outputs may differ by one step of the output quantiser where a
/// value lands within float rounding of a rounding tie; most elements must match exactly.
/// </summary>
public sealed class OnnxExportParityTests
{
    private const int Batch = 16;

    [Theory]
    [InlineData(Scheme.Float)]
    [InlineData(Scheme.W8A8Lsq)]
    [InlineData(Scheme.W4A4LsqPlus)]
    [InlineData(Scheme.W2A2LsqPlus)]
    [InlineData(Scheme.MixedPrecision)]
    [InlineData(Scheme.MixedPrecisionFullGrid)]
    [InlineData(Scheme.W1A1Binary)]
    public void ExportedModelMatchesTorchSharpOnnxRuntimeAndCompiler(Scheme scheme)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        using var net = ExportTestNetwork.Build(scheme);
        ExportTestNetwork.Train(net, steps: 8, seed: 12);
        net.RoundOffsetsToStep();
        foreach (var q in net.modules().OfType<Bitsmith.Training.Modules.MixedPrecisionQuantizer>())
            q.SnapRangeToGrid();

        Tensor input = randn(Batch, ExportTestNetwork.Channels, ExportTestNetwork.Size, ExportTestNetwork.Size);
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        float[] inputData = input.contiguous().data<float>().ToArray();
        int[] inputShape = { Batch, ExportTestNetwork.Channels, ExportTestNetwork.Size, ExportTestNetwork.Size };

        byte[] model = OnnxExporter.ToBytes(net, ExportTestNetwork.Channels, ExportTestNetwork.Size, ExportTestNetwork.Size);
        float[] ortOutput = RunOnnxRuntime(model, inputData, inputShape);

        var graph = OnnxImporter.Load(model, $"{scheme}.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(inputShape, inputData) })["output"].Floats;

        if (scheme == Scheme.Float)
        {
            AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
            AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
            return;
        }
        double step = net.Quantizers().Last().StepValue;
        AssertWithinOneStep(torchOutput, ortOutput, step, "ONNX Runtime vs TorchSharp");
        AssertWithinOneStep(ortOutput, compilerOutput, step, "compiler vs ONNX Runtime");
    }

    [Theory]
    [InlineData(Scheme.W8A8Lsq, 8, (int)TensorProto.Types.DataType.Int8)]
    [InlineData(Scheme.W4A4LsqPlus, 4, (int)TensorProto.Types.DataType.Int4)]
    [InlineData(Scheme.W2A2LsqPlus, 2, (int)TensorProto.Types.DataType.Int4)]
    public void QuantisedModelHasQdqFormBitsMetadataAndFoldedBatchNorm(Scheme scheme, int bits, int weightType)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var net = ExportTestNetwork.Build(scheme);
        ExportTestNetwork.Train(net, steps: 1, seed: 4);
        net.RoundOffsetsToStep();

        var model = OnnxExporter.Export(net, ExportTestNetwork.Channels, ExportTestNetwork.Size, ExportTestNetwork.Size);
        var nodes = model.Graph.Node;
        Assert.Equal(OnnxExporter.Opset, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.DoesNotContain(nodes, n => n.OpType == "BatchNormalization");
        Assert.Equal(4, nodes.Count(n => n.OpType == "Conv"));

        var quantizeNodes = nodes.Where(n => n.OpType == "QuantizeLinear").ToArray();
        Assert.Equal(net.Quantizers().Count(q => q.Target == QuantTarget.Activations), quantizeNodes.Length);
        foreach (var q in quantizeNodes)
        {
            var metadata = q.MetadataProps.Where(p => p.Key == QuantBits.MetadataKey).Select(p => p.Value).ToArray();
            Assert.Equal(bits < 8 ? new[] { bits.ToString(System.Globalization.CultureInfo.InvariantCulture) } : Array.Empty<string>(), metadata);
        }
        Assert.Equal(bits < 8 ? quantizeNodes.Length : 0, nodes.Count(n => n.OpType == "Clip" && n.Name.EndsWith("_clip", StringComparison.Ordinal)));

        var weights = model.Graph.Initializer.Where(t => t.Name.EndsWith("_w", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, weights.Length);
        Assert.All(weights, w => Assert.Equal(weightType, w.DataType));
    }

    [Fact]
    public void FloatLayerFormsMatch()
    {
        // The forms the CNN above does not use: a BatchNorm not after a convolution, strided
        // convolution, padded pools (average counting the padding, as PyTorch does), no bias.
        using var scope = NewDisposeScope();
        torch.manual_seed(21);
        using var net = Layers.Sequential(
            Layers.BatchNorm2d(3),
            Layers.Conv2d(3, 6, 3, stride: 2, padding: 1, bias: false), Layers.ReLU6(),
            Layers.AvgPool2d(3, stride: 2, padding: 1),
            Layers.MaxPool2d(3, stride: 1, padding: 1),
            Layers.Flatten(),
            Layers.Linear(6 * 3 * 3, 5));
        net.train();
        using (no_grad())
        {
            for (int i = 0; i < 3; i++)
                net.forward(randn(8, 3, 10, 10) * 2 + 1);   // running statistics away from 0 and 1
        }
        net.eval();

        Tensor input = randn(Batch, 3, 10, 10) * 2 + 1;
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        int[] shape = { Batch, 3, 10, 10 };
        byte[] model = OnnxExporter.ToBytes(net, 3, 10, 10);
        Assert.Contains(OnnxImporterNodes(model), op => op == "BatchNormalization");

        float[] ortOutput = RunOnnxRuntime(model, inputData, shape);
        var graph = OnnxImporter.Load(model, "forms.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, inputData) })["output"].Floats;
        AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
        AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
    }

    [Fact]
    public void ProjectedResidualMatches()
    {
        // ResNet's downsampling block: shortcut(x) + body(x), the shortcut a strided 1x1 conv + BN.
        using var scope = NewDisposeScope();
        torch.manual_seed(22);
        using var net = Layers.Sequential(
            Layers.ProjectedResidual(
                [Layers.Conv2d(4, 8, 1, stride: 2, bias: false), Layers.BatchNorm2d(8)],
                Layers.Conv2d(4, 8, 3, stride: 2, padding: 1, bias: false), Layers.BatchNorm2d(8), Layers.ReLU(),
                Layers.Conv2d(8, 8, 3, padding: 1, bias: false), Layers.BatchNorm2d(8)),
            Layers.ReLU(),
            Layers.Residual(Layers.Conv2d(8, 8, 3, padding: 1), Layers.ReLU()),
            Layers.GlobalAvgPool(), Layers.Flatten());
        net.train();
        using (no_grad())
        {
            for (int i = 0; i < 3; i++)
                net.forward(randn(8, 4, 10, 10) * 2 + 1);
        }
        net.eval();

        Tensor input = randn(Batch, 4, 10, 10);
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        int[] shape = { Batch, 4, 10, 10 };
        byte[] model = OnnxExporter.ToBytes(net, 4, 10, 10);
        Assert.Equal(2, OnnxImporterNodes(model).Count(op => op == "Add"));
        Assert.DoesNotContain(OnnxImporterNodes(model), op => op == "BatchNormalization");   // all three folded

        float[] ortOutput = RunOnnxRuntime(model, inputData, shape);
        var graph = OnnxImporter.Load(model, "projected.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, inputData) })["output"].Floats;
        AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
        AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
    }

    [Fact]
    public void RectangularKernelMatches()
    {
        // DS-CNN's first layer: a 10x4 kernel, stride 2, pads 5 and 1 (49x10 -> 25x5), BatchNorm folded.
        using var scope = NewDisposeScope();
        torch.manual_seed(23);
        using var net = Layers.Sequential(
            Layers.Conv2d(1, 6, (10, 4), (2, 2), (5, 1), bias: false), Layers.BatchNorm2d(6), Layers.ReLU(),
            Layers.Conv2d(6, 4, (1, 3), (1, 2), (0, 1)),
            Layers.Flatten());
        net.train();
        using (no_grad())
        {
            for (int i = 0; i < 3; i++)
                net.forward(randn(8, 1, 49, 10) * 2 + 1);
        }
        net.eval();
        Assert.Throws<InvalidOperationException>(() => ((QuantConv2d)net.Children[0]).KernelSize);

        Tensor input = randn(Batch, 1, 49, 10);
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        Assert.Equal(Batch * 4 * 25 * 3, torchOutput.Length);
        int[] shape = { Batch, 1, 49, 10 };
        byte[] model = OnnxExporter.ToBytes(net, 1, 49, 10);
        float[] ortOutput = RunOnnxRuntime(model, inputData, shape);
        var graph = OnnxImporter.Load(model, "rectangular.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, inputData) })["output"].Floats;
        AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
        AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
    }

    [Fact]
    public void PerChannelWeightsExportOneScalePerChannel()
    {
        // LSQ with a step per output channel, on a conv with a folded BatchNorm and (inside Quant-Noise) on a linear layer.
        using var scope = NewDisposeScope();
        torch.manual_seed(24);
        using var net = Layers.Sequential(
            Layers.Quantize(Quant.LsqPlus(8, QuantTarget.Activations)),
            Layers.Conv2d(3, 8, 3, padding: 1, bias: false, weightQuantizer: Quant.LsqPerChannel(8, 8)), Layers.BatchNorm2d(8), Layers.ReLU(),
            Layers.Quantize(Quant.LsqPlus(8, QuantTarget.Activations)),
            Layers.Flatten(),
            Layers.Linear(8 * 6 * 6, 5, weightQuantizer: Quant.QuantNoise(Quant.LsqPerChannel(8, 5), 0.5)),   // Quant-Noise passes the steps on
            Layers.Quantize(Quant.LsqPlus(8, QuantTarget.Activations)));
        Calibrate(net);
        var conv = (QuantConv2d)net.Children[1];
        var channelSteps = conv.WeightQuantizer!.ChannelSteps!;
        Assert.Equal(8, channelSteps.Length);
        Assert.True(channelSteps.Distinct().Count() > 1);

        Tensor input = randn(Batch, 3, 6, 6);
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        int[] shape = { Batch, 3, 6, 6 };
        var proto = OnnxExporter.Export(net, 3, 6, 6);
        var scales = proto.Graph.Initializer.Where(t => t.Name.EndsWith("_w_scale", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new long[] { 8 }, scales[0].Dims);
        Assert.Equal(new long[] { 5 }, scales[1].Dims);
        Assert.All(proto.Graph.Node.Where(n => n.Name.EndsWith("_w_dq", StringComparison.Ordinal)),
            n => Assert.Equal(0, n.Attribute.Single(a => a.Name == "axis").I));
        var fresh = Quant.LsqPerChannel(8, 4);
        Tensor w = randn(4, 3, 3, 3) * tensor(new[] { 0.1f, 1f, 10f, 0.01f }).reshape(4, 1, 1, 1);
        fresh.InitializeFrom(w);
        // Each channel's largest weight is its top level (the max-abs initialisation).
        Assert.All(fresh.quantize(w).abs().reshape(4, -1).amax(new long[] { 1 }).data<float>().ToArray(), l => Assert.Equal(127f, l));

        byte[] model = OnnxExporter.ToBytes(net, 3, 6, 6);
        float[] ortOutput = RunOnnxRuntime(model, inputData, shape);
        var graph = OnnxImporter.Load(model, "per-channel.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, inputData) })["output"].Floats;
        double step = net.Quantizers().Last().StepValue;
        AssertWithinOneStep(torchOutput, ortOutput, step, "ONNX Runtime vs TorchSharp");
        AssertWithinOneStep(ortOutput, compilerOutput, step, "compiler vs ONNX Runtime");
    }

    /// <summary>Training-mode forwards on random data (every quantiser initialised, BatchNorm statistics moved), then offsets on the grid and eval mode.</summary>
    private static void Calibrate(QuantSequential net)
    {
        net.train();
        using (no_grad())
        {
            for (int i = 0; i < 3; i++)
                net.forward(randn(16, 3, 6, 6));
        }
        net.RoundOffsetsToStep();
        net.eval();
    }

    [Fact]
    public void UnknownLayerIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Layers.Sequential(nn.Tanh()));
        Assert.Contains("Tanh", e.Message);
    }

    private static IEnumerable<string> OnnxImporterNodes(byte[] model) => OnnxImporter.Parse(model).Graph.Node.Select(n => n.OpType);

    [Fact]
    public void OffsetThatIsNotAMultipleOfTheStepIsRejected()
    {
        using var scope = NewDisposeScope();
        var quantizer = Quant.LsqPlus(4, QuantTarget.Activations);
        quantizer.Initialize(0.5, -0.3);
        using var net = Layers.Sequential(Layers.Quantize(quantizer), Layers.Flatten());
        var e = Assert.Throws<InvalidOperationException>(() => OnnxExporter.Export(net, 3));
        Assert.Contains("RoundOffsetsToStep", e.Message);

        net.RoundOffsetsToStep();
        Assert.Equal(-0.5, quantizer.OffsetValue, 6);
        OnnxExporter.Export(net, 3);
    }

    [Theory]
    [InlineData(2, 1.0, 10)]     // positive offset on an unsigned grid: z = -2, codes shifted into u8
    [InlineData(4, -0.75, 100)]  // negative offset: z = 3, codes are the levels
    [InlineData(8, 1.0, 11)]     // positive offset on the full u8 grid: z = -4 fits no shift, the offset goes to float Adds
    public void AffineActivationQuantiserMatchesExactly(int bits, double offset, int seed)
    {
        using var scope = NewDisposeScope();
        var quantizer = Quant.LsqPlus(bits, QuantTarget.Activations);
        quantizer.Initialize(0.25, offset);
        using var net = Layers.Sequential(Layers.Quantize(quantizer), Layers.Flatten());
        net.eval();
        torch.manual_seed(seed);
        // Values strictly between levels (and beyond both ends), so every path must agree exactly.
        Tensor input = (randint(-24, (1 << bits) + 16, new long[] { 4, 16 }).to_type(ScalarType.Float32) + 0.3f) * 0.25f;
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();

        byte[] model = OnnxExporter.ToBytes(net, 16);
        float[] ortOutput = RunOnnxRuntime(model, inputData, new[] { 4, 16 });
        var graph = OnnxImporter.Load(model, "affine.onnx", new ImportOptions { BatchSize = 4 });
        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(new[] { 4, 16 }, inputData) })["output"].Floats;

        Assert.Equal(torchOutput, ortOutput);
        Assert.Equal(ortOutput, compilerOutput);
        Assert.Contains(torchOutput, v => Math.Abs(v - (float)offset) < 1e-6);                       // the lowest level
        Assert.Contains(torchOutput, v => Math.Abs(v - (float)(offset + ((1 << bits) - 1) * 0.25)) < 1e-6); // the highest
    }

    private static float[] RunOnnxRuntime(byte[] model, float[] input, int[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var dense = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, shape);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", dense) });
        return results.First().AsEnumerable<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"{what}, element {i}: {actual[i]} vs {expected[i]}");
    }

    /// <summary>Every element within one step (plus float noise); at least 90% equal up to float noise.</summary>
    private static void AssertWithinOneStep(float[] expected, float[] actual, double step, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double noise = 1e-3 * step;
        int exact = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            Assert.True(diff <= step + noise, $"{what}, element {i}: {actual[i]} vs {expected[i]} (step {step})");
            if (diff <= noise) exact++;
        }
        Assert.True(exact >= 0.9 * expected.Length, $"{what}: only {exact} of {expected.Length} elements equal (step {step})");
    }
}
