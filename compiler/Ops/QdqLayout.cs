using System;
using Bitsmith.Compiler.Ir;
using static System.FormattableString;

namespace Bitsmith.Compiler.Ops
{
    /// <summary>
    /// Where the scale and zero point of a QuantizeLinear or DequantizeLinear node apply, and
    /// what the node's opset allows. ONNX: one value from opset 10; a vector along <c>axis</c>
    /// (default 1) from 13; blocks of <c>block_size</c> along the axis (scale shaped like x
    /// with that axis ceil-divided) and int4/uint4 from 21. The "com.microsoft" ops, which ONNX
    /// Runtime's quantiser writes for int4 before opset 21, have the opset-13 forms plus int4.
    /// One value (of any rank) is per tensor, as numpy broadcasts it.
    /// </summary>
    public sealed class QdqLayout
    {
        public const string MicrosoftDomain = "com.microsoft";

        private QdqLayout(int axis, int blockSize)
        {
            Axis = axis;
            BlockSize = blockSize;
        }

        /// <summary>The normalised quantisation axis (0 when per tensor).</summary>
        public int Axis { get; }

        /// <summary>0 unless blocked.</summary>
        public int BlockSize { get; }

        /// <summary>Checks the scale and zero point against x and the opset; throws a node error on any mismatch.</summary>
        public static QdqLayout Read(Node node, Value x, Value scale, Value? zeroPoint)
        {
            RequireScaleType(node, scale);
            if (zeroPoint != null && !Shape.SameAs(scale.Shape, zeroPoint.Shape) && !(Shape.Size(scale.Shape) == 1 && Shape.Size(zeroPoint.Shape) == 1))
                throw node.Error($"zero point '{zeroPoint.Name}' {Shape.Format(zeroPoint.Shape)} must have the shape of scale '{scale.Name}' {Shape.Format(scale.Shape)}");

            bool onnx21 = node.Domain != MicrosoftDomain && node.OpsetVersion >= 21;
            long blockSize = onnx21 ? node.GetInt("block_size", 0) : 0;
            if (blockSize < 0)
                throw node.Error(Invariant($"attribute 'block_size' must be 0 (per tensor or per axis) or positive, is {blockSize}"));
            if (Shape.Size(scale.Shape) == 1)
                return new QdqLayout(0, 0);
            if (node.Domain != MicrosoftDomain && node.OpsetVersion < 13)
                throw node.Error(Invariant($"scale '{scale.Name}' {Shape.Format(scale.Shape)} must be one value: opset {node.OpsetVersion} has no per-axis quantisation (it came in opset 13)"));

            long axisAttr = node.GetInt("axis", 1);
            if (axisAttr < -x.Rank || axisAttr >= x.Rank)
                throw node.Error(Invariant($"attribute 'axis' {axisAttr} is out of range for input '{x.Name}' {Shape.Format(x.Shape)}"));
            int axis = (int)(axisAttr < 0 ? axisAttr + x.Rank : axisAttr);

            if (blockSize == 0)
            {
                if (scale.Rank != 1 || scale.Shape[0] != x.Shape[axis])
                    throw node.Error(Invariant($"scale '{scale.Name}' {Shape.Format(scale.Shape)} must be one value or [{x.Shape[axis]}], one per index of axis {axis} of '{x.Name}' {Shape.Format(x.Shape)}{(onnx21 ? " (or set block_size for blocked quantisation)" : "")}"));
                return new QdqLayout(axis, 0);
            }

            var expected = (int[])x.Shape.Clone();
            expected[axis] = (int)((x.Shape[axis] + blockSize - 1) / blockSize);
            if (!Shape.SameAs(scale.Shape, expected))
                throw node.Error(Invariant($"scale '{scale.Name}' {Shape.Format(scale.Shape)} must have shape {Shape.Format(expected)} for blocks of {blockSize} along axis {axis} of '{x.Name}' {Shape.Format(x.Shape)}"));
            return new QdqLayout(axis, (int)blockSize);
        }

        /// <summary>Scales are f32; opset 19's f16 scales are valid but not supported.</summary>
        public static void RequireScaleType(Node node, Value scale)
        {
            if (scale.Type == ElementType.Float16)
                throw node.Unsupported($"scale '{scale.Name}' has element type f16, which is not supported (only f32)");
            if (scale.Type != ElementType.Float32)
                throw node.Error($"scale '{scale.Name}' has element type {scale.Type.ShortName()}, but scales are floats");
        }

        /// <summary>The integer types a quantised tensor of this node may have.</summary>
        public static ElementType[] QuantizedTypes(Node node) =>
            node.Domain == MicrosoftDomain || node.OpsetVersion >= 21
                ? new[] { ElementType.UInt8, ElementType.Int8, ElementType.UInt4, ElementType.Int4 }
                : new[] { ElementType.UInt8, ElementType.Int8 };

        /// <summary>The parameters read from the scale and zero-point tensors at run time.</summary>
        public QuantParams Params(Tensor scale, Tensor? zeroPoint, ElementType type) =>
            Quantization.Params(scale, zeroPoint, Axis, BlockSize, type);
    }
}
