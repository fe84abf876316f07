using System;
using System.Linq;
using Bitsmith.Bench.Models;
using Bitsmith.Samples.FashionTraining;
using Bitsmith.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Bitsmith.Bench.Inference
{
    /// <summary>
    /// TorchSharp as the benchmarks' second peer: each benchmark network as an fp32 TorchSharp
    /// module in eval mode, one intra-op thread (or the benchmark's), batch 1. The networks are built by the same code
    /// that built the ONNX files, with the quantisers left out (<see cref="Architectures"/> with
    /// <c>quantized: false</c> for bench/models, <see cref="FashionCnn"/> with the float scheme for
    /// the sample); the demo model, written op by op as ONNX by samples/DemoModel, is rebuilt here
    /// with the training API's layers. Weights are the seeded random initial values (timing only);
    /// the BatchNorm statistics come from one random batch so that the activations keep a normal
    /// range (no denormals), and the parameters do not require gradients.
    /// <para>
    /// <see cref="Run"/> reads the input tensor made once from the caller's array, runs one forward
    /// in inference mode inside a dispose scope (TorchSharp allocates the output and every
    /// intermediate tensor per call; the scope frees their native memory before returning) and
    /// copies the output into the caller's array.
    /// </para>
    /// </summary>
    public sealed class TorchSharpPeer : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _module;
        private readonly Tensor _input;
        private readonly float[] _output;

        private TorchSharpPeer(nn.Module<Tensor, Tensor> module, Tensor input, float[] output)
        {
            _module = module;
            _input = input;
            _output = output;
        }

        /// <summary>The network of <paramref name="model"/> (a name of <see cref="EndToEndBenchmarks.Models"/>).</summary>
        public static nn.Module<Tensor, Tensor> Build(string model) => model switch
        {
            "fashion-mixed" => FashionCnn.Build(new Scheme(_ => null, _ => null)),
            "demo-qdq-cnn" => Layers.Sequential(
                Layers.Conv2d(1, 8, 3, padding: 1), Layers.ReLU(), Layers.MaxPool2d(2),
                Layers.Conv2d(8, 16, 3, padding: 1), Layers.ReLU(), Layers.MaxPool2d(2),
                Layers.Flatten(), Layers.Linear(16 * 7 * 7, 10)),
            "mobilenetv2-035-96" => Architectures.MobileNetV2(quantized: false),
            "ds-cnn-kws" => Architectures.DsCnn(quantized: false),
            "mlp-784-1024-1024-10" => Architectures.Mlp(quantized: false),
            "resnet18-112" => Architectures.ResNet18(quantized: false),
            _ => throw new ArgumentException($"No TorchSharp network for {model}.", nameof(model)),
        };

        /// <summary>
        /// The fp32 network of <paramref name="model"/> reading <paramref name="input"/> (copied once
        /// into a tensor of <paramref name="inputShape"/>) and writing <paramref name="output"/>;
        /// throws unless its output has <paramref name="outputShape"/>, ONNX Runtime's.
        /// </summary>
        public static TorchSharpPeer Create(string model, float[] input, long[] inputShape, float[] output, long[] outputShape, int threads = 1)
        {
            torch.set_num_threads(threads);
            torch.manual_seed(1);
            var module = Build(model);
            foreach (var p in module.parameters())
                p.requires_grad = false;
            SetBatchNormStatistics(module, inputShape);
            module.eval();

            var x = torch.tensor(input, inputShape);
            var peer = new TorchSharpPeer(module, x, output);
            using (var scope = torch.NewDisposeScope())
            using (torch.inference_mode())
            {
                var y = module.forward(x);
                if (!y.shape.SequenceEqual(outputShape))
                    throw new InvalidOperationException($"{model}: TorchSharp's output is [{string.Join(", ", y.shape)}], ONNX Runtime's [{string.Join(", ", outputShape)}].");
                if (y.numel() != output.Length)
                    throw new InvalidOperationException($"{model}: TorchSharp gives {y.numel()} outputs, the benchmark expects {output.Length}.");
            }
            return peer;
        }

        /// <summary>
        /// Every BatchNorm's running mean and variance from one forward in training mode on a
        /// random batch of 4 (momentum 1: the batch's statistics replace the defaults).
        /// </summary>
        private static void SetBatchNormStatistics(nn.Module<Tensor, Tensor> module, long[] inputShape)
        {
            var norms = module.modules().OfType<BatchNorm2d>().ToArray();
            if (norms.Length == 0)
                return;
            foreach (var bn in norms)
                bn.momentum = 1.0;
            module.train();
            using (var scope = torch.NewDisposeScope())
            using (torch.no_grad())
                module.forward(torch.randn(new long[] { 4 }.Concat(inputShape.Skip(1)).ToArray()));
        }

        /// <summary>One forward: the output lands in the caller's array.</summary>
        public void Run()
        {
            using var scope = torch.NewDisposeScope();
            using var mode = torch.inference_mode();
            var y = _module.forward(_input);
            y.data<float>().CopyTo(_output);
        }

        public void Dispose()
        {
            _input.Dispose();
            _module.Dispose();
        }
    }
}
