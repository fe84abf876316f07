namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// The newest ONNX opset whose operator definitions this compiler has been checked against.
    /// Through opset 24 the changes to the operators here add element types (which type checks
    /// reject) or attributes that are read and refused when they change meaning
    /// (DequantizeLinear's output_dtype, QuantizeLinear's precision). A later opset may redefine
    /// an operator, so a model that imports one is unsupported rather than read as if it were older.
    /// </summary>
    public static class SupportedOpsets
    {
        public const int MaxOnnx = 24;
    }
}
