

namespace Bitsmith.Bench.Inference
{
    /// <summary>The shipped Fashion-MNIST model (learned mixed precision, 8/4/4/5-bit weights).</summary>
    [CompiledModel("../../samples/models/fashion-mixed.onnx")]
    public static partial class FashionNet;

    /// <summary>The demo QDQ CNN (s8 and int4 per-channel weights).</summary>
    [CompiledModel("../../samples/models/demo-qdq-cnn.onnx")]
    public static partial class DemoNet;

    /// <summary>Dense 3x3 int8 conv, 64→64 channels on 56x56 (bench/models/layers).</summary>
    [CompiledModel("../models/layers/conv3x3-64-56.onnx")]
    public static partial class Conv3x3Layer;

    /// <summary>Depthwise 3x3 int8 conv, 96 channels on 48x48 (bench/models/layers).</summary>
    [CompiledModel("../models/layers/dwconv3x3-96-48.onnx")]
    public static partial class DepthwiseLayer;

    /// <summary>Float Gemm, 256 rows by 256x256 weights plus a bias (bench/models/layers): one sgemm call.</summary>
    [CompiledModel("../models/layers/gemm-f32-256.onnx")]
    public static partial class FloatGemmLayer;

    /// <summary>Float 3x3 conv 64→64 on 56x56 with Relu (bench/models/layers).</summary>
    [CompiledModel("../models/layers/conv3x3-f32-64-56.onnx")]
    public static partial class FloatConvLayer;

    /// <summary>The issue-7 benchmark models (bench/models/README.md): int8 QDQ, made with the training API and exporter.</summary>
    [CompiledModel("../models/mobilenetv2-035-96.onnx")]
    public static partial class MobileNetV2;

    [CompiledModel("../models/ds-cnn-kws.onnx")]
    public static partial class DsCnnKws;

    [CompiledModel("../models/mlp-784-1024-1024-10.onnx")]
    public static partial class Mlp;

    [CompiledModel("../models/resnet18-112.onnx")]
    public static partial class ResNet18;

    /// <summary>The MLP's low-bit twins (issue 8, 7e; bench/models/README.md).</summary>
    [CompiledModel("../models/mlp-784-1024-1024-10-w4a8.onnx")]
    public static partial class MlpW4A8;

    [CompiledModel("../models/mlp-784-1024-1024-10-w3a8.onnx")]
    public static partial class MlpW3A8;

    [CompiledModel("../models/mlp-784-1024-1024-10-w2a8.onnx")]
    public static partial class MlpW2A8;

    [CompiledModel("../models/mlp-784-1024-1024-10-w2a2.onnx")]
    public static partial class MlpW2A2;

    /// <summary>The MLP's codebook twin: iPQ, 16 centroids of 4 weights, float activations.</summary>
    [CompiledModel("../models/mlp-784-1024-1024-10-pq16.onnx")]
    public static partial class MlpPq16;

    /// <summary>The trained Fashion-MNIST CNN variants of docs/results.md (issue 8, 7e's CNN part; bench/models/README.md).</summary>
    [CompiledModel("../models/fashion-cnn-w8a8.onnx")]
    public static partial class FashionCnnW8A8;

    [CompiledModel("../models/fashion-cnn-w4a4.onnx")]
    public static partial class FashionCnnW4A4;

    [CompiledModel("../models/fashion-cnn-w2a2.onnx")]
    public static partial class FashionCnnW2A2;

    [CompiledModel("../models/fashion-cnn-w1a1.onnx")]
    public static partial class FashionCnnW1A1;

    /// <summary>Issue 8's 7b: the 3x3 conv 64→64 on 56x56 at W8A8, W1A1 and W2A2 behind the same float clip and quantiser, and that front alone (bench/models/layers).</summary>
    [CompiledModel("../models/layers/conv3x3-w8a8-64-56.onnx")]
    public static partial class ConvW8A8Layer;

    [CompiledModel("../models/layers/conv3x3-w1a1-64-56.onnx")]
    public static partial class ConvW1A1Layer;

    [CompiledModel("../models/layers/conv3x3-w2a2-64-56.onnx")]
    public static partial class ConvW2A2Layer;

    [CompiledModel("../models/layers/clip-quantize-64-56.onnx")]
    public static partial class ClipQuantizeLayer;
}
