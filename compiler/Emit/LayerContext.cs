using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Lowering;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>
    /// What an <see cref="OpEmitter"/> writes one layer method with: the step, its values as the
    /// method's span parameters, and expressions that read elements, real values of quantised
    /// inputs, and store results the way <see cref="Ops.Quantization.Output"/> does.
    /// </summary>
    public sealed class LayerContext
    {
        private readonly Dictionary<string, PlanValue> _values;
        private readonly Dictionary<string, string> _parameterOf = new Dictionary<string, string>();
        private readonly List<LayerParameter> _parameters = new List<LayerParameter>();
        private readonly Dictionary<string, string> _packedNames = new Dictionary<string, string>();
        // The layer method's own names when it splits across threads: its extra parameters and its tile struct.
        private readonly IdentifierSet _names = new IdentifierSet("threads", "workers", "tiles");
        private readonly SourceWriter _tables = new SourceWriter();
        private readonly Dictionary<string, string> _tableNames = new Dictionary<string, string>();
        private readonly Dictionary<int, string> _unpacked = new Dictionary<int, string>();

        private readonly Lowering.Implementations.TileSplit? _split;
        private readonly string _tileStart = "", _tileEnd = "", _tileWorkspace = "";

        internal LayerContext(PlanStep step, Dictionary<string, PlanValue> values, LayerPart part = LayerPart.Whole, Lowering.Implementations.TileSplit? split = null)
        {
            Step = step;
            _values = values;
            Part = part;
            _split = split;
            foreach (var name in step.Inputs)
                if (name != null && !_parameterOf.ContainsKey(name))
                    AddParameter(name, ParameterType(values[name], output: false));
            foreach (var name in step.Outputs)
                AddParameter(name, ParameterType(values[name], output: true));
            foreach (var packed in step.Packed)
            {
                string name = _names.Unique(CSharp.Identifier(packed.Name + "Packed", pascal: false));
                _packedNames[packed.Name] = name;
                _parameters.Add(new LayerParameter(CSharp.ReadOnlySpan("byte"), name, null, packed));
            }
            if (step.WorkspaceBytes > 0)
            {
                Workspace = _names.Unique("workspace");
                _parameters.Add(new LayerParameter(CSharp.Span("byte"), Workspace, null, null));
            }
            if (part == LayerPart.Tiles)
            {
                _tileStart = _names.Unique("start");
                _tileEnd = _names.Unique("end");
                _tileWorkspace = _names.Unique("tileWorkspace");
            }
        }

        /// <summary>Which part of the layer the emitter writes.</summary>
        public LayerPart Part { get; }

        /// <summary>Whether to write what runs once before the tiles (packing into the shared workspace).</summary>
        public bool EmitsPrologue => Part != LayerPart.Tiles;

        /// <summary>Whether to write the tile loop over <see cref="TileStart"/> to <see cref="TileEnd"/>.</summary>
        public bool EmitsTiles => Part != LayerPart.Prologue;

        /// <summary>The first tile to compute: a parameter of the tile method, or 0 in a whole layer.</summary>
        public string TileStart => Part == LayerPart.Tiles ? _tileStart : "0";

        /// <summary>The tile after the last to compute: a parameter of the tile method, or the tile count in a whole layer.</summary>
        public string TileEnd => Part == LayerPart.Tiles ? _tileEnd : CSharp.Int(Split.Tiles);

        /// <summary>The Span&lt;byte&gt; a range of tiles works in, which no other thread uses.</summary>
        public string TileWorkspace => Part == LayerPart.Tiles ? _tileWorkspace
            : $"{Workspace}.Slice({CSharp.Int(Split.SharedBytes)}, {CSharp.Int(Split.TileBytes)})";

        private Lowering.Implementations.TileSplit Split =>
            _split ?? throw new PlanFormatException($"step '{Step.Node}' ({Step.Op}): the layer's tile split is unknown");

        public PlanStep Step { get; }

        /// <summary>The method body; tables the body declared go before it.</summary>
        public SourceWriter W { get; } = new SourceWriter();

        /// <summary>The Span&lt;byte&gt; parameter of the step's workspace (when it has one).</summary>
        public string Workspace { get; } = "";

        /// <summary>The method's parameters in order: inputs (each value once), outputs, packed constants, then the workspace.</summary>
        public IReadOnlyList<LayerParameter> Parameters => _parameters;

        public bool HasPacked(string name) => _packedNames.ContainsKey(name);

        /// <summary>The ReadOnlySpan&lt;byte&gt; parameter of the step's packed constant <paramref name="name"/>.</summary>
        public string Packed(string name) =>
            _packedNames.TryGetValue(name, out var p) ? p : throw new PlanFormatException($"step '{Step.Node}' ({Step.Op}): it has no packed constant '{name}'");

        public int InputCount => Step.Inputs.Count;

        public bool HasIn(int i) => i < Step.Inputs.Count && Step.Inputs[i] != null;

        public PlanValue In(int i) => _values[Step.Inputs[i] ?? throw new PlanFormatException($"step '{Step.Node}' ({Step.Op}): input {i} is absent")];

        public string InName(int i) => _parameterOf[In(i).Name];

        public int[] InShape(int i) => In(i).Shape.ToArray();

        public PlanValue Out(int i) => _values[Step.Outputs[i]];

        public string OutName(int i) => _parameterOf[Out(i).Name];

        public int[] OutShape(int i) => Out(i).Shape.ToArray();

        /// <summary>A fresh local name.</summary>
        public string Local(string hint) => _names.Unique(hint);

        /// <summary>Int4 inputs of at most this many elements can be unpacked once into a stack buffer.</summary>
        private const int MaxUnpackedElements = 16384;

        /// <summary>
        /// Unpacks int4 input <paramref name="i"/> once at the top of the method into a stack
        /// buffer, so loops that read each weight many times read a byte instead of a nibble.
        /// Does nothing for other inputs or larger ones.
        /// </summary>
        public void UnpackOnce(int i)
        {
            var v = In(i);
            int count = Shape.Size(v.Shape.ToArray());
            if (!IsPacked(v) || _unpacked.ContainsKey(i) || count > MaxUnpackedElements)
                return;
            string name = Local(InName(i) + "Unpacked"), at = Local("i");
            string type = v.Type == ElementType.Int4 ? "sbyte" : "byte";
            W.Line($"global::System.Span<{type}> {name} = stackalloc {type}[{CSharp.Int(count)}];");
            W.Line($"for (int {at} = 0; {at} < {CSharp.Int(count)}; {at}++) {name}[{at}] = {Element(i, at)};");
            _unpacked.Add(i, name);
        }

        /// <summary>Element <paramref name="index"/> of input <paramref name="i"/> in its C# type (int4 weights unpacked).</summary>
        public string Element(int i, string index)
        {
            var v = In(i);
            if (_unpacked.TryGetValue(i, out var unpacked))
                return $"{unpacked}[{index}]";
            return IsPacked(v)
                ? $"global::Bitsmith.Runtime.Int4.{(v.Type == ElementType.Int4 ? "Signed" : "Unsigned")}({InName(i)}, {index})"
                : $"{InName(i)}[{index}]";
        }

        /// <summary>
        /// The real value (a float expression) of element <paramref name="index"/> of input <paramref name="i"/>:
        /// dequantised as <c>(float)(q - zp) * scale</c> when the input is quantised, else the float itself.
        /// </summary>
        public string Real(int i, string index)
        {
            var v = In(i);
            if (v.Quant == null)
                return Element(i, index);
            var (scale, zero) = Params(v, index, "in" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return $"((float)({Widen(v, Element(i, index))} - {zero}) * {scale})";
        }

        /// <summary>An integer element widened to long where its arithmetic could overflow int (s32 and s64 values).</summary>
        public static string Widen(PlanValue v, string element) =>
            v.Type == ElementType.Int32 ? $"(long){element}" : element;

        /// <summary>
        /// The statement that writes a real result to element <paramref name="index"/> of output
        /// <paramref name="o"/>: the fused activation, then quantisation when the output is quantised.
        /// </summary>
        public string Store(int o, string index, string real)
        {
            var v = Out(o);
            string value = Activate(real);
            if (v.Quant == null)
                return $"{OutName(o)}[{index}] = {value};";
            var (scale, zero) = Params(v, index, "out" + o.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return $"{OutName(o)}[{index}] = global::Bitsmith.Runtime.Quantize.{QuantizeMethod(v.Type)}({value}, {scale}, {zero});";
        }

        /// <summary>The fused activation applied to a float expression (the expression itself when there is none).</summary>
        public string Activate(string x)
        {
            var a = Step.Activation;
            if (a == null)
                return x;
            return a.Kind switch
            {
                ActivationKind.Relu => $"global::Bitsmith.Runtime.Activation.Relu({x})",
                ActivationKind.Clip => $"global::Bitsmith.Runtime.Activation.Clip({x}, {CSharp.Float(a.Min)}, {CSharp.Float(a.Max)})",
                _ => $"global::Bitsmith.Runtime.Activation.HardSwish({x})",
            };
        }

        /// <summary>Declares a constant table local to the method and returns its name.</summary>
        public string Table(string hint, IEnumerable<float> values) =>
            Declare(hint, "float", values.Select(CSharp.Float));

        public string Table(string hint, IEnumerable<int> values) =>
            Declare(hint, "int", values.Select(v => CSharp.Int(v)));

        public string Table(string hint, IEnumerable<long> values) =>
            Declare(hint, "long", values.Select(CSharp.Long));

        /// <summary>
        /// The scale and zero-point expressions of element <paramref name="index"/> of a quantised
        /// value: literals per tensor, table lookups per channel or block.
        /// </summary>
        public (string Scale, string ZeroPoint) Params(PlanValue v, string index, string hint)
        {
            var q = v.Quant!;
            return q.IsPerTensor ? Literals(q) : Lookups(q, ParamIndex(q, v.Shape.ToArray(), index), hint);
        }

        /// <summary>
        /// The parameters of position <paramref name="position"/> along <paramref name="axis"/> of a
        /// value quantised per tensor or per that axis (a weight's output channel).
        /// </summary>
        public (string Scale, string ZeroPoint) ChannelParams(PlanValue v, int axis, string position, string hint)
        {
            var q = v.Quant!;
            if (q.IsPerTensor)
                return Literals(q);
            if (q.Axis != axis || q.BlockSize != 0)
                throw new PlanFormatException($"step '{Step.Node}' ({Step.Op}): '{v.Name}' must be quantised per tensor or along axis {axis}");
            return Lookups(q, position, hint);
        }

        private static (string, string) Literals(PlanQuant q) => (CSharp.Float(q.Scale[0]), CSharp.Int(q.ZeroPoint[0]));

        /// <summary>Table lookups; a parameter that is the same everywhere stays a literal.</summary>
        private (string, string) Lookups(PlanQuant q, string k, string hint)
        {
            string scale = q.Scale.All(s => s.Equals(q.Scale[0])) ? CSharp.Float(q.Scale[0]) : $"{Table(hint + "Scale", q.Scale)}[{k}]";
            string zero = q.ZeroPoint.All(z => z == q.ZeroPoint[0]) ? CSharp.Int(q.ZeroPoint[0]) : $"{Table(hint + "ZeroPoint", q.ZeroPoint)}[{k}]";
            return (scale, zero);
        }

        /// <summary>The index into the parameters of <paramref name="q"/> for flat element <paramref name="index"/> (as <see cref="Ops.Quantization.ParamIndex"/>).</summary>
        public static string ParamIndex(PlanQuant q, int[] shape, string index) =>
            q.IsPerTensor ? "0" : ParamIndex(q.Axis, q.BlockSize, shape, index);

        /// <summary>The parameter index along <paramref name="axis"/> (per block of <paramref name="blockSize"/> when not 0) of flat element <paramref name="index"/>.</summary>
        public static string ParamIndex(int axis, int blockSize, int[] shape, string index)
        {
            int dim = shape[axis];
            int inner = 1;
            for (int d = axis + 1; d < shape.Length; d++)
                inner *= shape[d];
            string channel = inner == 1 ? $"({index}) % {dim}" : $"({index}) / {inner} % {dim}";
            if (blockSize == 0)
                return channel;
            int blocks = (dim + blockSize - 1) / blockSize;
            return $"((({index}) / {(long)inner * dim}) * {blocks} + ({channel}) / {blockSize}) * {inner} + ({index}) % {inner}";
        }

        /// <summary>The body with the tables it uses declared first.</summary>
        internal SourceWriter Body()
        {
            var body = new SourceWriter();
            body.Append(_tables);
            body.Append(W);
            return body;
        }

        public static bool IsPacked(PlanValue v) =>
            v.Storage == ValueStorage.Weight && (v.Type == ElementType.Int4 || v.Type == ElementType.UInt4);

        private string Declare(string hint, string type, IEnumerable<string> literals)
        {
            string initializer = $"new {type}[] {{ {string.Join(", ", literals)} }}";
            if (_tableNames.TryGetValue(hint + initializer, out string? existing))
                return existing;
            string name = Local(hint);
            _tables.Line($"{CSharp.ReadOnlySpan(type)} {name} = {initializer};");
            _tableNames[hint + initializer] = name;
            return name;
        }

        private void AddParameter(string valueName, string type)
        {
            string name = _names.Unique(CSharp.Identifier(valueName, pascal: false));
            _parameterOf[valueName] = name;
            _parameters.Add(new LayerParameter(type, name, valueName, null));
        }

        private static string ParameterType(PlanValue v, bool output) =>
            output ? CSharp.Span(CSharp.ElementType(v.Type))
            : CSharp.ReadOnlySpan(IsPacked(v) ? "byte" : CSharp.ElementType(v.Type));

        private static string QuantizeMethod(ElementType type) => type switch
        {
            ElementType.UInt8 => "ToUInt8",
            ElementType.Int8 => "ToInt8",
            ElementType.UInt4 => "ToUInt4",
            ElementType.Int4 => "ToInt4",
            _ => "ToInt32",
        };
    }
}
