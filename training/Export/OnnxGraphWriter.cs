using System;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Passes;
using Bitsmith.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ActivationKind = Bitsmith.Training.Model.ActivationKind;
using IrTensor = Bitsmith.Compiler.Ir.Tensor;
using Tensor = TorchSharp.torch.Tensor;

namespace Bitsmith.Training.Export;

/// <summary>Emits the nodes of one network into an <see cref="OnnxModelBuilder"/>, layer by layer (the forms are described on <see cref="OnnxExporter"/>).</summary>
internal sealed class OnnxGraphWriter
{
    private readonly OnnxModelBuilder _b;
    private int _layer;

    public OnnxGraphWriter(OnnxModelBuilder builder) => _b = builder;

    /// <summary>Emits <paramref name="seq"/> reading <paramref name="x"/>; returns the name of its result.</summary>
    public string Sequence(QuantSequential seq, string x)
    {
        var layers = seq.Children;
        for (int i = 0; i < layers.Count; i++)
        {
            string name = $"l{_layer++}";
            switch (layers[i])
            {
                case QuantConv2d conv:
                    // A shared codebook cannot absorb a per-channel factor: its BatchNorm stays a node.
                    var folded = i + 1 < layers.Count && conv.WeightTransform is not ICodebookWeight ? layers[i + 1] as BatchNorm2d : null;
                    if (folded != null) i++;
                    x = Conv(name, conv, folded, x);
                    break;
                case BatchNorm2d norm:
                    x = BatchNorm(name, norm, x);
                    break;
                case QuantLinear linear:
                    x = Gemm(name, linear, x);
                    break;
                case Activation act:
                    x = ActivationNode(name, act.Kind, x);
                    break;
                case Pool2d pool:
                    x = Node(name, pool.Kind == PoolKind.Max ? "MaxPool" : "AveragePool", new[] { x }, PoolAttributes(pool));
                    break;
                case GlobalAvgPool:
                    x = Node(name, "GlobalAveragePool", new[] { x });
                    break;
                case Model.Flatten:
                    x = Node(name, "Flatten", new[] { x }, ("axis", 1));
                    break;
                case ActivationQuant aq:
                    x = QuantizeDequantize(name, aq.Quantizer, x);
                    break;
                case Residual res:
                    string shortcut = res.Shortcut is null ? x : Sequence(res.Shortcut, x);
                    string body = Sequence(res.Body, x);
                    x = Node(name, "Add", new[] { shortcut, body });
                    break;
                default:
                    throw new NotSupportedException($"The exporter does not know the layer {layers[i].GetType().Name}.");
            }
        }
        return x;
    }

    private string Node(string name, string op, string[] inputs, params (string, object)[] attributes) =>
        _b.NodeWithOutputs(op, inputs, new[] { name }, name, "", attributes)[0];

    private static (string, object)[] PoolAttributes(Pool2d p)
    {
        var attributes = new (string, object)[]
        {
            ("kernel_shape", new[] { p.KernelSize, p.KernelSize }),
            ("strides", new[] { p.Stride, p.Stride }),
            ("pads", new[] { p.Padding, p.Padding, p.Padding, p.Padding }),
        };
        return p.Kind == PoolKind.Average ? attributes.Append(("count_include_pad", (object)1)).ToArray() : attributes;
    }

    private string Conv(string name, QuantConv2d conv, BatchNorm2d? bn, string x)
    {
        var (factor, shift) = bn is null ? (null, null) : BatchNormAffine(bn);
        string w = Weight(name, conv.weight, conv.WeightTransform, factor);
        string bias = Bias(name, conv.bias, conv.OutChannels, factor, shift);
        var (k, s, p) = (conv.KernelShape, conv.Strides, conv.Pads);
        return Node(name, "Conv", new[] { x, w, bias },
            ("kernel_shape", new[] { k.Height, k.Width }), ("strides", new[] { s.Height, s.Width }),
            ("pads", new[] { p.Height, p.Width, p.Height, p.Width }), ("group", conv.Groups));
    }

    private string Gemm(string name, QuantLinear linear, string x)
    {
        string w = Weight(name, linear.weight, linear.WeightTransform, null);
        string bias = Bias(name, linear.bias, linear.OutFeatures, null, null);
        return Node(name, "Gemm", new[] { x, w, bias }, ("transB", 1));
    }

    private string BatchNorm(string name, BatchNorm2d bn, string x)
    {
        int c = (int)bn.running_mean!.shape[0];
        string scale = Floats(name + "_gamma", bn.weight is null ? Ones(c) : Values(bn.weight));
        string beta = Floats(name + "_beta", bn.bias is null ? new float[c] : Values(bn.bias));
        string mean = Floats(name + "_mean", Values(bn.running_mean!));
        string variance = Floats(name + "_var", Values(bn.running_var!));
        return Node(name, "BatchNormalization", new[] { x, scale, beta, mean, variance }, ("epsilon", bn.eps));
    }

    /// <summary>BatchNorm in eval mode as <c>y · factor + shift</c> per channel (in double).</summary>
    private static (double[] Factor, double[] Shift) BatchNormAffine(BatchNorm2d bn)
    {
        double[] mean = Doubles(bn.running_mean!), variance = Doubles(bn.running_var!);
        int c = mean.Length;
        double[] gamma = bn.weight is null ? Enumerable.Repeat(1.0, c).ToArray() : Doubles(bn.weight);
        double[] beta = bn.bias is null ? new double[c] : Doubles(bn.bias);
        var factor = new double[c];
        var shift = new double[c];
        for (int i = 0; i < c; i++)
        {
            factor[i] = gamma[i] / Math.Sqrt(variance[i] + bn.eps);
            shift[i] = beta[i] - mean[i] * factor[i];
        }
        return (factor, shift);
    }

    /// <summary>
    /// A weight: float (scaled by a folded BatchNorm), or its integer levels and a DequantizeLinear
    /// whose scale absorbs the BatchNorm factor per output channel; a codebook as
    /// <c>Reshape(Gather(codebook, indices))</c>; a pruned weight with its pruned entries as zeros.
    /// </summary>
    private string Weight(string name, Tensor weight, nn.Module<Tensor, Tensor>? transform, double[]? factor)
    {
        if (transform is ICodebookWeight codebook)
            return CodebookWeight(name, weight, codebook);
        var quantizer = transform as IUniformQuantizer;
        using var pruned = transform is IPrunedWeight p ? p.Prune(weight) : null;
        if (transform is IPrunedWeight pruner)
        {
            weight = pruned!;
            quantizer = pruner.Inner;
        }
        int[] shape = weight.shape.Select(d => (int)d).ToArray();
        int perChannel = shape.Skip(1).Aggregate(1, (a, d) => a * d);
        if (quantizer is null)
        {
            float[] w = Values(weight);
            if (factor != null)
            {
                for (int i = 0; i < w.Length; i++)
                    w[i] = (float)(w[i] * factor[i / perChannel]);
            }
            return _b.Initializer(name + "_w", IrTensor.FromFloats(shape, w));
        }

        var range = quantizer.Range;
        if (range.Bits > 8)
            throw new NotSupportedException($"Layer {name}: a {range.Bits}-bit weight has no ONNX integer type the exporter writes (at most 8 bits).");
        ElementType type = range.Bits <= 4 ? ElementType.Int4 : ElementType.Int8;
        float[] levels;
        using (var scope = NewDisposeScope())
            levels = Values(quantizer.quantize(weight));
        var codes = IrTensor.Zeros(type, shape);
        for (int i = 0; i < levels.Length; i++)
            codes.SetInt64(i, (long)levels[i]);
        _b.Initializer(name + "_w", codes);

        double s = quantizer.StepValue;
        var dqInputs = new[] { name + "_w", name + "_w_scale", name + "_w_zp" };
        if (quantizer.ChannelSteps is { } steps)
        {
            // One step per output channel, times the folded BatchNorm's factor if any.
            _b.Initializer(name + "_w_scale", IrTensor.FromFloats(new[] { shape[0] },
                steps.Select((step, c) => (float)(step * (factor?[c] ?? 1.0))).ToArray()));
            _b.Initializer(name + "_w_zp", IrTensor.Zeros(type, new[] { shape[0] }));
            return Node(name + "_w_dq", "DequantizeLinear", dqInputs, ("axis", 0));
        }
        if (factor is null)
        {
            _b.Initializer(name + "_w_scale", IrTensor.Scalar((float)s));
            _b.Initializer(name + "_w_zp", IrTensor.Zeros(type, Array.Empty<int>()));
            return Node(name + "_w_dq", "DequantizeLinear", dqInputs);
        }
        _b.Initializer(name + "_w_scale", IrTensor.FromFloats(new[] { shape[0] }, factor.Select(f => (float)(s * f)).ToArray()));
        _b.Initializer(name + "_w_zp", IrTensor.Zeros(type, new[] { shape[0] }));
        return Node(name + "_w_dq", "DequantizeLinear", dqInputs, ("axis", 0));
    }

    /// <summary><c>Reshape(Gather(codebook[K, d], indices, axis 0), shape)</c>: plain ONNX, recognised by the compiler.</summary>
    private string CodebookWeight(string name, Tensor weight, ICodebookWeight codebook)
    {
        if (!codebook.IsFitted)
            throw new InvalidOperationException($"Layer {name}: the codebook is not fitted (run ProductQuantization.QuantizeLayers first).");
        int[] bookShape = codebook.Codebook.shape.Select(d => (int)d).ToArray();
        _b.Initializer(name + "_codebook", IrTensor.FromFloats(bookShape, Values(codebook.Codebook)));
        long[] indices;
        using (var scope = NewDisposeScope())
            indices = codebook.Indices.detach().cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        _b.Initializer(name + "_codes", IrTensor.FromInt64s(new[] { indices.Length }, indices));
        _b.Initializer(name + "_w_shape", IrTensor.FromInt64s(new[] { (int)weight.dim() }, weight.shape));
        string blocks = Node(name + "_w_gather", "Gather", new[] { name + "_codebook", name + "_codes" }, ("axis", 0));
        return Node(name + "_w", "Reshape", new[] { blocks, name + "_w_shape" });
    }

    private string Bias(string name, Tensor? bias, int channels, double[]? factor, double[]? shift)
    {
        var b = bias is null ? new double[channels] : Doubles(bias);
        if (factor != null)
        {
            for (int i = 0; i < channels; i++)
                b[i] = b[i] * factor[i] + shift![i];
        }
        return Floats(name + "_b", b.Select(v => (float)v).ToArray());
    }

    private string ActivationNode(string name, ActivationKind kind, string x)
    {
        switch (kind)
        {
            case ActivationKind.ReLU:
                return Node(name, "Relu", new[] { x });
            case ActivationKind.ReLU6:
                _b.Initializer(name + "_min", IrTensor.Scalar(0f));
                _b.Initializer(name + "_max", IrTensor.Scalar(6f));
                return Node(name, "Clip", new[] { x, name + "_min", name + "_max" });
            case ActivationKind.HardSwish:
                return Node(name, "HardSwish", new[] { x });
            default:
                throw new NotSupportedException($"Activation {kind}.");
        }
    }

    /// <summary>
    /// <c>x̂ = round(clamp((x - β)/s, -QN, QP)) · s + β</c> as [Clip] → QuantizeLinear → DequantizeLinear
    /// with <c>z = -β/s</c>: the codes are the levels (shifted only where the storage type needs it),
    /// <c>(q - zp) · s = levels · s + β</c>. The Clip bounds the real values to the grid, so a code
    /// range narrower than the type is kept; the bitwidth travels as node metadata.
    /// </summary>
    private string QuantizeDequantize(string name, IUniformQuantizer q, string x)
    {
        var range = q.Range;
        if (range.Bits > 8)
            throw new NotSupportedException($"Layer {name}: a {range.Bits}-bit activation has no ONNX integer type the exporter writes (at most 8 bits).");
        double s = q.StepValue, beta = q.OffsetValue;
        double zExact = -beta / s;
        long z = (long)Math.Round(zExact, MidpointRounding.ToEven);
        if (Math.Abs(zExact - z) > 1e-3)
            throw new InvalidOperationException(
                $"Layer {name}: the LSQ+ offset {beta} is not a multiple of the step {s}, so ONNX cannot write its zero point; call RoundOffsetsToStep() first.");
        ElementType type = range.Signed ? ElementType.Int8 : ElementType.UInt8;
        // Codes are the levels shifted by c (0 when possible) and the zero point z + c, so that both
        // fit the storage type: a positive offset (z < 0) on a narrow unsigned grid stays writable.
        long shiftLow = Math.Max(type.MinValue() + range.QN, type.MinValue() - z);
        long shiftHigh = Math.Min(type.MaxValue() - range.QP, type.MaxValue() - z);
        if (shiftLow > shiftHigh)
        {
            // Levels and zero point need more than the type holds (a positive offset on a full 8-bit
            // unsigned grid): the offset moves out into float Adds around a zero-point-0 QDQ,
            // x̂ = DQ(Q(x - β)) + β, the same arithmetic as training's.
            string centred = Node(name + "_unshift", "Add", new[] { x, Floats(name + "_minus_offset", new[] { (float)-beta }) });
            string levels = QuantizeDequantize(name + "_centred", q, centred, s, 0, 0, type, range);
            return Node(name, "Add", new[] { levels, Floats(name + "_offset", new[] { (float)beta }) });
        }
        long shift = Math.Min(Math.Max(0, shiftLow), shiftHigh);
        return QuantizeDequantize(name, q, x, s, z, shift, type, range);
    }

    // Clip (when the grid is narrower than the type, or symmetric), QuantizeLinear and DequantizeLinear
    // with zero point z + shift.
    private string QuantizeDequantize(string name, IUniformQuantizer q, string x, double s, long z, long shift, ElementType type, QuantRange range)
    {
        // A symmetric grid (lowest level -QP) needs the Clip even at 8 bits: QuantizeLinear would reach -QN.
        long lowest = q.LowestLevel;
        if (range.Bits < 8 || lowest != -range.QN)
        {
            _b.Initializer(name + "_lo", IrTensor.Scalar((float)((lowest - z) * s)));
            _b.Initializer(name + "_hi", IrTensor.Scalar((float)((range.QP - z) * s)));
            x = Node(name + "_clip", "Clip", new[] { x, name + "_lo", name + "_hi" });
        }
        _b.Initializer(name + "_scale", IrTensor.Scalar((float)s));
        var zeroPoint = IrTensor.Zeros(type, Array.Empty<int>());
        zeroPoint.SetInt64(0, z + shift);
        _b.Initializer(name + "_zp", zeroPoint);
        var qdqInputs = new[] { name + "_q", name + "_scale", name + "_zp" };
        string quantized = Node(name + "_q", "QuantizeLinear", new[] { x, name + "_scale", name + "_zp" });
        if (range.Bits < 8)
            _b.NodeMetadata(quantized, QuantBits.MetadataKey, range.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Node(name, "DequantizeLinear", qdqInputs);
    }

    private string Floats(string name, float[] values) => _b.Initializer(name, IrTensor.FromFloats(new[] { values.Length }, values));

    private static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    private static float[] Values(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    private static double[] Doubles(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }
}
