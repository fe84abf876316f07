using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Bitsmith.Compiler.Lowering;
using Bitsmith.Training.Export;
using Bitsmith.Training.Model;
using Bitsmith.Training.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Bench.Models;

/// <summary>
/// Writes the int8 QDQ models of the end-to-end benchmark (bench/models/README.md): each network
/// built with a fixed seed, its BatchNorm statistics and quantisers set from a seeded random
/// calibration batch (see <see cref="Calibration"/>), exported by the project's exporter (BatchNorm
/// folded), then compiled by Bitsmith for its per-layer totals.
/// <c>dotnet run --project bench/Bitsmith.Bench.Models -c Release -- bench/models</c>
/// </summary>
internal static class Program
{
    private const int CalibrationSamples = 32;   // 4 batches of 8

    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Bitsmith.Bench.Models OUTPUT_DIRECTORY");
            return 2;
        }
        string directory = args[0];
        Directory.CreateDirectory(directory);
        // One thread: float sums in the same order on every run, so the files are byte-identical.
        set_num_threads(1);

        var models = new (string File, int Seed, Func<QuantSequential> Build, int[] Shape, Func<long[], Tensor> Data)[]
        {
            ("mobilenetv2-035-96.onnx", 1, () => Architectures.MobileNetV2(), new[] { 3, 96, 96 }, s => randn(s)),
            ("ds-cnn-kws.onnx", 2, () => Architectures.DsCnn(), new[] { 1, 49, 10 }, s => randn(s)),
            ("mlp-784-1024-1024-10.onnx", 3, () => Architectures.Mlp(), new[] { 784 }, s => rand(s)),
            ("resnet18-112.onnx", 4, () => Architectures.ResNet18(), new[] { 3, 112, 112 }, s => randn(s)),
            // The MLP's low-bit twins (issue 8, 7e): 4-, 3- and 2-bit weights (INT4 in the file: the exporter stores grids of at most 4 bits so), 2-bit activations.
            ("mlp-784-1024-1024-10-w4a8.onnx", 3, () => Architectures.Mlp(weightBits: 4), new[] { 784 }, s => rand(s)),
            ("mlp-784-1024-1024-10-w3a8.onnx", 3, () => Architectures.Mlp(weightBits: 3), new[] { 784 }, s => rand(s)),
            ("mlp-784-1024-1024-10-w2a8.onnx", 3, () => Architectures.Mlp(weightBits: 2), new[] { 784 }, s => rand(s)),
            ("mlp-784-1024-1024-10-w2a2.onnx", 3, () => Architectures.Mlp(weightBits: 2, activationBits: 2), new[] { 784 }, s => rand(s)),
            // And a codebook twin (issue 8, 7d/7e): iPQ with 16 centroids of 4 weights, float activations.
            ("mlp-784-1024-1024-10-pq16.onnx", 3, () => Architectures.CodebookMlp(), new[] { 784 }, s => rand(s)),
        };
        Console.WriteLine("| file | input | MACs | int8 weights | weight bytes (compiler) | file bytes | sha256 |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var m in models)
        {
            string path = Path.Combine(directory, m.File);
            long int8Weights;
            using (var scope = NewDisposeScope())
            {
                manual_seed(m.Seed);
                var net = m.Build();
                net.eval();
                var shape = new long[] { CalibrationSamples }.Concat(m.Shape.Select(d => (long)d)).ToArray();
                Calibration.Run(net, m.Data(shape));
                OnnxExporter.Save(net, path, m.Shape);
                int8Weights = net.modules().Sum(module => module switch
                {
                    QuantConv2d c => c.weight.numel(),
                    QuantLinear { WeightTransform: ProductQuantizer } => 0L,
                    QuantLinear l => l.weight.numel(),
                    _ => 0L,
                });
                net.Dispose();
            }
            var compiled = ModelCompiler.Compile(path, new CompileOptions());
            long macs = compiled.Layers.Sum(l => l.Macs);
            long weightBytes = compiled.Layers.Sum(l => l.WeightBytes);
            string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
            Console.WriteLine($"| {m.File} | 1x{string.Join("x", m.Shape)} | {macs:N0} | {int8Weights:N0} | {weightBytes:N0} | {new FileInfo(path).Length:N0} | {hash[..16]} |");
        }
        return 0;
    }
}
