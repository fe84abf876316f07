using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Passes;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using IrTensor = Bitsmith.Compiler.Ir.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace Bitsmith.Training.Tests.Export;

/// <summary>
/// iPQ layers export as <c>Reshape(Gather(codebook, indices))</c> and pruned layers as weights with
/// zeros: ONNX Runtime (graph optimisations off) against TorchSharp's eval output, and the compiler
/// (which must recognise the codebooks) against ONNX Runtime.
/// </summary>
public sealed class CodebookAndPruningExportTests
{
    private const int Batch = 8;

    [Fact]
    public void CodebookModelMatchesAndTheCompilerKeepsTheCodes()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(17);
        using var net = Layers.Sequential(
            Layers.Conv2d(3, 8, 3, padding: 1, weightQuantizer: Quant.ProductQuantizer(blockSize: 9, centroids: 4, noiseRate: 0.1, seed: 1)),
            Layers.BatchNorm2d(8), Layers.ReLU(), Layers.MaxPool2d(2),
            Layers.Flatten(),
            Layers.Linear(8 * 4 * 4, 10, weightQuantizer: Quant.ProductQuantizer(blockSize: 8, centroids: 16, noiseRate: 0.1, seed: 2)));
        Train(net, 4);
        ProductQuantization.QuantizeLayers(net, _ => Train(net, 2));
        net.eval();

        Tensor input = randn(Batch, 3, 8, 8);
        int[] shape = { Batch, 3, 8, 8 };
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();

        var proto = OnnxExporter.Export(net, 3, 8, 8);
        string[] ops = proto.Graph.Node.Select(n => n.OpType).ToArray();
        Assert.Equal(2, ops.Count(op => op == "Gather"));
        Assert.Contains("BatchNormalization", ops);   // not folded into a shared codebook
        var book = proto.Graph.Initializer.Single(t => t.Name == "l5_codebook");
        Assert.Equal(new long[] { 16, 8 }, book.Dims);
        Assert.Equal(10 * 16, proto.Graph.Initializer.Single(t => t.Name == "l5_codes").Dims.Single());

        byte[] model = OnnxExporter.ToBytes(net, 3, 8, 8);
        float[] ortOutput = RunOnnxRuntime(model, inputData, shape);
        var graph = OnnxImporter.Load(model, "ipq.onnx", new ImportOptions { BatchSize = Batch });
        Pipeline.Run(graph);
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Gather" || n.OpType == "Reshape");
        var weights = graph.Nodes.Where(n => n.OpType is "Conv" or "Gemm").Select(n => n.Inputs[1]!).ToArray();
        Assert.Equal(2, weights.Length);
        Assert.All(weights, w => Assert.NotNull(w.Codebook));
        Assert.Equal(16, weights[1].Codebook!.Centroids);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(shape, inputData) })["output"].Floats;

        AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
        AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
    }

    [Fact]
    public void PrunedWeightsExportAsZeros()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(23);
        var magnitude = Quant.MagnitudePruning();
        var movement = Quant.MovementPruning(Quant.Lsq(8, QuantTarget.Weights));
        using var net = Layers.Sequential(Layers.Flatten(), Layers.Linear(16, 12, weightQuantizer: magnitude), Layers.ReLU(),
            Layers.Linear(12, 4, weightQuantizer: movement));
        var schedule = new CubicSparsitySchedule(1.0, 0.2, startStep: 2, updates: 4, interval: 1);
        for (int step = 0; step < 8; step++)
        {
            Pruning.Apply(net, schedule, step);
            Train(net, 1, inputShape: new long[] { 16, 16 }, classes: 4);
        }
        Assert.Equal(0.2, movement.KeepFraction);
        net.eval();

        Tensor input = randn(Batch, 16);
        float[] inputData = input.data<float>().ToArray();
        float[] torchOutput;
        using (no_grad())
            torchOutput = net.forward(input).contiguous().data<float>().ToArray();
        byte[] model = OnnxExporter.ToBytes(net, 16);
        float[] ortOutput = RunOnnxRuntime(model, inputData, new[] { Batch, 16 });
        var graph = OnnxImporter.Load(model, "pruned.onnx", new ImportOptions { BatchSize = Batch });

        var gemms = graph.Nodes.Where(n => n.OpType == "Gemm").ToArray();
        float[] first = gemms[0].Inputs[1]!.Constant!.Floats;
        Assert.Equal(192 - 38, first.Count(v => v == 0));                    // exactly the top 20% of |W| kept
        var dequantize = graph.Nodes.Single(n => n.Outputs.Contains(gemms[1].Inputs[1]!));
        var levels = dequantize.Inputs[0]!.Constant!;
        Assert.Equal(Compiler.Ir.ElementType.Int8, levels.Type);
        Assert.True(Enumerable.Range(0, levels.Length).Count(i => levels.GetInt64(i) == 0) >= 48 - 10);

        Pipeline.Run(graph);
        float[] compilerOutput = ReferenceInterpreter.Run(graph, new Dictionary<string, IrTensor> { ["input"] = IrTensor.FromFloats(new[] { Batch, 16 }, inputData) })["output"].Floats;
        AssertClose(torchOutput, ortOutput, "ONNX Runtime vs TorchSharp");
        AssertClose(ortOutput, compilerOutput, "compiler vs ONNX Runtime");
    }

    private static void Train(nn.Module<Tensor, Tensor> net, int steps, long[]? inputShape = null, int classes = 10)
    {
        net.train();
        using var optimizer = optim.Adam(net.parameters(), lr: 0.01);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            Tensor x = randn(inputShape ?? new long[] { 16, 3, 8, 8 });
            Tensor labels = randint(0, classes, new long[] { x.shape[0] });
            optimizer.zero_grad();
            nn.functional.cross_entropy(net.forward(x), labels).backward();
            optimizer.step();
        }
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
            Assert.True(System.Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-5 * System.Math.Abs(expected[i]), $"{what}, element {i}: {actual[i]} vs {expected[i]}");
    }
}
