

namespace Bitsmith.Bench.Inference
{
    /// <summary>The shipped Fashion-MNIST model (learned mixed precision, 8/4/4/5-bit weights).</summary>
    [CompiledModel("../../samples/models/fashion-mixed.onnx")]
    public static partial class FashionNet;

    /// <summary>The demo QDQ CNN (s8 and int4 per-channel weights).</summary>
    [CompiledModel("../../samples/models/demo-qdq-cnn.onnx")]
    public static partial class DemoNet;
}
