using System;
using BenchmarkDotNet.Attributes;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// One inference, batch 1, one thread: the generated code against ONNX Runtime (graph
    /// optimisation ALL, one intra-op thread, inputs and outputs bound once) on the same ONNX file,
    /// and against TorchSharp (fp32, eval, one thread) on the same network built in float
    /// (<see cref="TorchSharpPeer"/>).
    /// </summary>
    [MemoryDiagnoser]
    public class EndToEndBenchmarks
    {
        private float[] _input = Array.Empty<float>(), _output = Array.Empty<float>();
        private OnnxRuntimePeer _peer = null!;
        private TorchSharpPeer _torch = null!;

        public static string[] Models { get; } = { "fashion-mixed", "demo-qdq-cnn", "mobilenetv2-035-96", "ds-cnn-kws", "mlp-784-1024-1024-10", "resnet18-112" };

        [ParamsSource(nameof(Models))]
        public string Model { get; set; } = "";

        private Action<float[], float[]> _run = null!;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(1);
            (int inputs, int outputs, _run) = Model switch
            {
                "fashion-mixed" => (FashionNet.InputLength, FashionNet.OutputLength, (Action<float[], float[]>)((x, y) => FashionNet.Run(x, y))),
                "demo-qdq-cnn" => (DemoNet.ImageLength, DemoNet.LogitsLength, (x, y) => DemoNet.Run(x, y)),
                "mobilenetv2-035-96" => (MobileNetV2.InputLength, MobileNetV2.OutputLength, (x, y) => MobileNetV2.Run(x, y)),
                "ds-cnn-kws" => (DsCnnKws.InputLength, DsCnnKws.OutputLength, (x, y) => DsCnnKws.Run(x, y)),
                "mlp-784-1024-1024-10" => (Mlp.InputLength, Mlp.OutputLength, (x, y) => Mlp.Run(x, y)),
                _ => (ResNet18.InputLength, ResNet18.OutputLength, (x, y) => ResNet18.Run(x, y)),
            };
            _input = new float[inputs];
            _output = new float[outputs];
            for (int i = 0; i < _input.Length; i++)
                _input[i] = (float)random.NextDouble();
            _peer = OnnxRuntimePeer.Create(Model + ".onnx", _input, _output);
            _torch = TorchSharpPeer.Create(Model, _input, _peer.InputShape, _output, _peer.OutputShape);
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _peer.Dispose();
            _torch.Dispose();
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
            _run(_input, _output);
            return _output[0];
        }

        [Benchmark]
        public float TorchSharp()
        {
            _torch.Run();
            return _output[0];
        }
    }
}
