using System;
using System.Diagnostics;
using Bitsmith;

// Usage: dotnet run -c Release --project bench/Bitsmith.Bench.Profile -- [fashion|kws|mobilenet|mlp|resnet] [seconds] [threads]
// Runs one bench model (a warm-up, then the timed calls) on one thread or split across a LayerThreads and prints its per-layer table.
string which = args.Length > 0 ? args[0] : "resnet";
double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var threads = args.Length > 2 && int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) is > 1 and var degree ? new LayerThreads(degree) : null;
(Action<float[], float[]> run, LayerProfile profile, int inputs, int outputs) = which switch
{
    "fashion" => ((Action<float[], float[]>)((x, y) => Fashion.Run(x, y, threads)), Fashion.Profile, Fashion.InputLength, Fashion.OutputLength),
    "kws" => ((Action<float[], float[]>)((x, y) => Kws.Run(x, y, threads)), Kws.Profile, Kws.InputLength, Kws.OutputLength),
    "mobilenet" => ((x, y) => MobileNet.Run(x, y, threads), MobileNet.Profile, MobileNet.InputLength, MobileNet.OutputLength),
    "mlp" => ((x, y) => Mlp.Run(x, y, threads), Mlp.Profile, Mlp.InputLength, Mlp.OutputLength),
    "resnet" => ((x, y) => ResNet.Run(x, y, threads), ResNet.Profile, ResNet.InputLength, ResNet.OutputLength),
    _ => throw new ArgumentException($"unknown model '{which}': fashion, kws, mobilenet, mlp or resnet"),
};
var input = new float[inputs];
var output = new float[outputs];
var random = new Random(1);
for (int i = 0; i < input.Length; i++)
    input[i] = random.NextSingle();
for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < Math.Min(3, seconds);)
    run(input, output);
profile.Reset();
long calls = 0;
for (var clock = Stopwatch.StartNew(); clock.Elapsed.TotalSeconds < seconds; calls++)
    run(input, output);
Console.WriteLine($"{which}: {calls} calls on {threads?.Degree ?? 1} thread(s)");
Console.WriteLine(profile);

[CompiledModel("../../samples/models/fashion-mixed.onnx")]
internal static partial class Fashion;

[CompiledModel("../models/ds-cnn-kws.onnx")]
internal static partial class Kws;

[CompiledModel("../models/mobilenetv2-035-96.onnx")]
internal static partial class MobileNet;

[CompiledModel("../models/mlp-784-1024-1024-10.onnx")]
internal static partial class Mlp;

[CompiledModel("../models/resnet18-112.onnx")]
internal static partial class ResNet;
