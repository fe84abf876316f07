using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// One inference, batch 1, on <see cref="Threads"/> threads: the generated code (its larger
    /// layers split across a <c>LayerThreads</c> when 2) against ONNX Runtime (graph optimisation
    /// ALL, that many intra-op threads, inputs and outputs bound once) on the same ONNX file, and
    /// against TorchSharp (fp32, eval, that many threads) on the same network built in float
    /// (<see cref="TorchSharpPeer"/>).
    /// </summary>
    [MemoryDiagnoser]
    public class EndToEndBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private OnnxRuntimePeer _peer = null!;
        private TorchSharpPeer? _torch;

        public static string[] Models { get; } = { "fashion-mixed", "demo-qdq-cnn", "mobilenetv2-035-96", "ds-cnn-kws", "mlp-784-1024-1024-10", "resnet18-112" };

        [ParamsSource(nameof(Models))]
        public string Model { get; set; } = "";

        [Params(1, 2)]
        public int Threads { get; set; } = 1;

        /// <summary>Whether Setup builds the TorchSharp peer (its thread count is global to the process: the interleaved check builds one only).</summary>
        public bool WithTorchSharp { get; set; } = true;

        private Action<float[], float[], LayerThreads?> _run = null!;
        private LayerThreads? _threads;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(1);
            (int inputs, int outputs, _run) = Model switch
            {
                "fashion-mixed" => (FashionNet.InputLength, FashionNet.OutputLength, (Action<float[], float[], LayerThreads?>)((x, y, t) => FashionNet.Run(x, y, t))),
                "demo-qdq-cnn" => (DemoNet.ImageLength, DemoNet.LogitsLength, (x, y, t) => DemoNet.Run(x, y, t)),
                "mobilenetv2-035-96" => (MobileNetV2.InputLength, MobileNetV2.OutputLength, (x, y, t) => MobileNetV2.Run(x, y, t)),
                "ds-cnn-kws" => (DsCnnKws.InputLength, DsCnnKws.OutputLength, (x, y, t) => DsCnnKws.Run(x, y, t)),
                "mlp-784-1024-1024-10" => (Mlp.InputLength, Mlp.OutputLength, (x, y, t) => Mlp.Run(x, y, t)),
                _ => (ResNet18.InputLength, ResNet18.OutputLength, (x, y, t) => ResNet18.Run(x, y, t)),
            };
            _threads = Threads > 1 ? new LayerThreads(Threads) : null;
            _input = new float[inputs];
            _output = new float[outputs];
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)random.NextDouble();
            _peer = OnnxRuntimePeer.Create(Model + ".onnx", _input, _output, Threads);
            if (WithTorchSharp)
                _torch = TorchSharpPeer.Create(Model, _input, _peer.InputShape, _output, _peer.OutputShape, Threads);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _peer.Dispose();
            _torch?.Dispose();
            _threads?.Dispose();
        }

        [Benchmark(Baseline = true)]
        public float OnnxRuntime()
        {
            _peer.Run();
            return _output[0];
        }

        [Benchmark]
        public float Bitsmith()
        {
            _run(_input, _output, _threads);
            return _output[0];
        }

        [Benchmark]
        public float TorchSharp()
        {
            _torch!.Run();
            return _output[0];
        }
    }
}
