using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Lowering
{
    /// <summary>
    /// Reads the text written by <see cref="PlanWriter"/>. Every problem is a
    /// <see cref="PlanFormatException"/> naming the line: a plan is produced by the build,
    /// but a stale or hand-edited one must give a clear error, not a crash in the generator.
    /// </summary>
    public static class PlanReader
    {
        public static Plan Parse(string text)
        {
            var lines = text.Split('\n');
            var state = new State();
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith("#", StringComparison.Ordinal))
                    continue;
                var cursor = new Cursor(PlanText.Tokenize(line, i + 1), i + 1);
                if (state.Version == 0)
                {
                    cursor.Keyword(PlanText.Header);
                    long version = cursor.Long("the format version");
                    if (version != Plan.FormatVersion)
                        throw new PlanFormatException($"format version {version} is not supported (this compiler reads version {Plan.FormatVersion}); rebuild to regenerate the plan", i + 1);
                    state.Version = (int)version;
                }
                else
                {
                    state.Read(cursor);
                }
                cursor.End();
            }
            return state.Build();
        }

        /// <summary>What has been read so far.</summary>
        private sealed class State
        {
            public int Version;
            private string? _model, _source, _isa, _sha;
            private long _arena = -1, _lowerBound, _weights;
            private readonly List<string> _inputs = new List<string>(), _outputs = new List<string>();
            private readonly List<PlanValue> _values = new List<PlanValue>();
            private readonly List<PlanStep> _steps = new List<PlanStep>();
            private StepBuilder? _step;
            private readonly Dictionary<string, int> _valueLines = new Dictionary<string, int>();
            private readonly List<(string Name, int Line)> _references = new List<(string, int)>();

            public void Read(Cursor c)
            {
                string keyword = c.Word("a keyword");
                switch (keyword)
                {
                    case "model":
                        Once(_model, c, "model");
                        _model = c.Quoted("the model name");
                        c.Keyword("source");
                        _source = c.Quoted("the source file");
                        c.Keyword("isa");
                        _isa = c.Quoted("the target ISA");
                        break;
                    case "arena":
                        if (_arena >= 0)
                            throw c.Error("'arena' is given twice");
                        _arena = c.Long("the arena bytes");
                        c.Keyword("lower-bound");
                        _lowerBound = c.Long("the arena lower bound");
                        break;
                    case "weights":
                        Once(_sha, c, "weights");
                        _weights = c.Long("the weight bytes");
                        c.Keyword("sha256");
                        _sha = c.Word("the SHA-256 of the weights");
                        if (!Sha256Hex.IsValid(_sha))
                            throw c.Error($"the SHA-256 of the weights must be {2 * Sha256Hex.Bytes} lowercase hex digits, is '{_sha}'");
                        break;
                    case "input":
                        _inputs.Add(Reference(c, c.Quoted("an input name")));
                        break;
                    case "output":
                        _outputs.Add(Reference(c, c.Quoted("an output name")));
                        break;
                    case "value":
                        ReadValue(c);
                        break;
                    case "step":
                        FinishStep();
                        _step = new StepBuilder(c.Line, c.Quoted("the node name"), c.Word("the op"), c.Quoted("the domain"), Implementation(c));
                        break;
                    case "reason":
                    case "cost":
                    case "workspace":
                    case "in":
                    case "out":
                    case "attr":
                    case "activation":
                    case "packed":
                        if (_step == null)
                            throw c.Error($"'{keyword}' outside a step");
                        _step.Read(keyword, c, this);
                        break;
                    default:
                        throw c.Error($"unknown keyword '{keyword}'");
                }
            }

            public string Reference(Cursor c, string name)
            {
                _references.Add((name, c.Line));
                return name;
            }

            private void ReadValue(Cursor c)
            {
                string name = c.Quoted("the value name");
                if (_valueLines.ContainsKey(name))
                    throw c.Error($"value '{name}' is defined twice (first on line {_valueLines[name]})");
                _valueLines[name] = c.Line;
                var type = c.Enum(PlanText.Types, "an element type");
                var shape = c.IntList(c.Word("the shape"), "the shape", bracketed: true);
                if (shape.Any(d => d < 0))
                    throw c.Error($"value '{name}' has a negative dimension");
                var storage = c.Enum(PlanText.Storages, "a storage kind");
                long offset = c.Long("the offset");
                var layout = c.Enum(PlanText.Layouts, "a weight layout");
                PlanQuant? quant = null;
                if (c.TryKeyword("quant"))
                    quant = new PlanQuant(
                        c.FloatList(c.Pair("scale"), "scale").ToImmutableEquatableArray(),
                        c.IntList(c.Pair("zero-point"), "zero-point", bracketed: false).ToImmutableEquatableArray(),
                        c.Int(c.Pair("axis"), "axis"),
                        c.Int(c.Pair("block"), "block"),
                        c.Int(c.Pair("bits"), "bits"));
                _values.Add(new PlanValue(name, type, shape.ToImmutableEquatableArray(), storage, offset, layout, quant));
            }

            public void FinishStep()
            {
                if (_step != null)
                    _steps.Add(_step.Build());
                _step = null;
            }

            public Plan Build()
            {
                if (Version == 0)
                    throw new PlanFormatException($"the text is empty; expected '{PlanText.Header} {Plan.FormatVersion}'");
                FinishStep();
                if (_model == null || _isa == null || _source == null)
                    throw new PlanFormatException("no 'model' line");
                if (_arena < 0)
                    throw new PlanFormatException("no 'arena' line");
                if (_sha == null)
                    throw new PlanFormatException("no 'weights' line");
                foreach (var (name, line) in _references)
                    if (!_valueLines.ContainsKey(name))
                        throw new PlanFormatException($"'{name}' is not a value of the plan", line);
                return new Plan(_model, _source, _isa, _inputs.ToImmutableEquatableArray(), _outputs.ToImmutableEquatableArray(),
                    _values.ToImmutableEquatableArray(), _steps.ToImmutableEquatableArray(), _arena, _lowerBound, _weights, _sha);
            }

            private static void Once(string? field, Cursor c, string keyword)
            {
                if (field != null)
                    throw c.Error($"'{keyword}' is given twice");
            }
        }

        /// <summary>A step's implementation name, which must be a registered one.</summary>
        private static string Implementation(Cursor c)
        {
            string name = c.Word("an implementation");
            return Implementations.ImplementationRegistry.Find(name)?.Name
                ?? throw c.Error($"implementation '{name}' is unknown (known: {string.Join(", ", Implementations.ImplementationRegistry.Names)})");
        }

        /// <summary>A step's lines, collected until the next step.</summary>
        private sealed class StepBuilder
        {
            private readonly int _line;
            private readonly string _node, _op, _domain;
            private readonly string _implementation;
            private readonly List<PlanPacked> _packed = new List<PlanPacked>();
            private string? _reason;
            private LayerCost? _cost;
            private long _workspaceOffset = -1, _workspaceBytes;
            private List<string?>? _inputs;
            private List<string>? _outputs;
            private readonly List<PlanAttribute> _attributes = new List<PlanAttribute>();
            private FusedActivation? _activation;

            public StepBuilder(int line, string node, string op, string domain, string implementation)
            {
                _line = line;
                _node = node;
                _op = op;
                _domain = domain;
                _implementation = implementation;
            }

            public void Read(string keyword, Cursor c, State state)
            {
                switch (keyword)
                {
                    case "reason":
                        Once(_reason == null, c, keyword);
                        _reason = c.Quoted("the reason");
                        break;
                    case "cost":
                        Once(_cost == null, c, keyword);
                        _cost = new LayerCost(c.Long(c.Pair("macs"), "macs"), c.Int(c.Pair("weight-bits"), "weight-bits"),
                            c.Int(c.Pair("activation-bits"), "activation-bits"), c.Long(c.Pair("weight-bytes"), "weight-bytes"),
                            c.Double(c.Pair("estimate-ns"), "estimate-ns"));
                        break;
                    case "workspace":
                        Once(_workspaceOffset < 0, c, keyword);
                        _workspaceOffset = c.Long("the workspace offset");
                        _workspaceBytes = c.Long("the workspace bytes");
                        break;
                    case "in":
                        Once(_inputs == null, c, keyword);
                        _inputs = new List<string?>();
                        while (!c.AtEnd)
                            _inputs.Add(c.TryKeyword("_") ? null : state.Reference(c, c.Quoted("an input name or _")));
                        break;
                    case "out":
                        Once(_outputs == null, c, keyword);
                        _outputs = new List<string>();
                        while (!c.AtEnd)
                            _outputs.Add(state.Reference(c, c.Quoted("an output name")));
                        break;
                    case "attr":
                        string name = c.Quoted("the attribute name");
                        if (_attributes.Any(a => a.Name == name))
                            throw c.Error($"attribute '{name}' is given twice");
                        string kind = c.Word("ints, floats or string");
                        switch (kind)
                        {
                            case "ints":
                                _attributes.Add(new PlanAttribute(name, c.LongList(c.AtEnd ? "" : c.Word("integers"), name).ToImmutableEquatableArray(), null, null));
                                break;
                            case "floats":
                                _attributes.Add(new PlanAttribute(name, null, c.FloatList(c.AtEnd ? "" : c.Word("floats"), name).ToImmutableEquatableArray(), null));
                                break;
                            case "string":
                                _attributes.Add(new PlanAttribute(name, null, null, c.Quoted("the string")));
                                break;
                            default:
                                throw c.Error($"attribute kind must be ints, floats or string, is '{kind}'");
                        }
                        break;
                    case "packed":
                        string packedName = c.Quoted("the packed constant's name");
                        if (_packed.Any(p => p.Name == packedName))
                            throw c.Error($"packed constant '{packedName}' is given twice");
                        _packed.Add(new PlanPacked(packedName, c.Quoted("the layout"), c.Long("the offset"), c.Long("the bytes")));
                        break;
                    default:
                        Once(_activation == null, c, keyword);
                        _activation = new FusedActivation(c.Enum(PlanText.Activations, "an activation"), c.Float(c.Word("the minimum"), "minimum"), c.Float(c.Word("the maximum"), "maximum"));
                        break;
                }
            }

            public PlanStep Build()
            {
                string missing = _reason == null ? "reason" : _cost == null ? "cost" : _workspaceOffset < 0 ? "workspace" : _inputs == null ? "in" : _outputs == null ? "out" : "";
                if (missing.Length > 0)
                    throw new PlanFormatException($"step '{_node}' has no '{missing}' line", _line);
                return new PlanStep(_node, _op, _domain, _implementation, _reason!, _inputs!.ToImmutableEquatableArray(), _outputs!.ToImmutableEquatableArray(),
                    _attributes.ToImmutableEquatableArray(), _activation, _workspaceOffset, _workspaceBytes, _cost!, _packed.ToImmutableEquatableArray());
            }

            private static void Once(bool first, Cursor c, string keyword)
            {
                if (!first)
                    throw c.Error($"'{keyword}' is given twice in one step");
            }
        }

        /// <summary>The tokens of one line, consumed left to right.</summary>
        private sealed class Cursor
        {
            private readonly List<(string Text, bool Quoted)> _tokens;
            private int _next;

            public Cursor(List<(string Text, bool Quoted)> tokens, int line)
            {
                _tokens = tokens;
                Line = line;
            }

            public int Line { get; }

            public bool AtEnd => _next >= _tokens.Count;

            public PlanFormatException Error(string message) => new PlanFormatException(message, Line);

            public string Word(string what)
            {
                var (text, quoted) = Take(what);
                if (quoted)
                    throw Error($"expected {what}, found the string \"{text}\"");
                return text;
            }

            public string Quoted(string what)
            {
                var (text, quoted) = Take(what);
                if (!quoted)
                    throw Error($"expected {what} as a quoted string, found '{text}'");
                return text;
            }

            public void Keyword(string keyword)
            {
                string w = Word($"'{keyword}'");
                if (w != keyword)
                    throw Error($"expected '{keyword}', found '{w}'");
            }

            public bool TryKeyword(string keyword)
            {
                if (AtEnd || _tokens[_next].Quoted || _tokens[_next].Text != keyword)
                    return false;
                _next++;
                return true;
            }

            /// <summary>The value of a <c>key=value</c> token.</summary>
            public string Pair(string key)
            {
                string w = Word($"'{key}=...'");
                if (!w.StartsWith(key + "=", StringComparison.Ordinal))
                    throw Error($"expected '{key}=...', found '{w}'");
                return w.Substring(key.Length + 1);
            }

            public T Enum<T>(IReadOnlyDictionary<string, T> names, string what)
            {
                string w = Word(what);
                return names.TryGetValue(w, out var value) ? value : throw Error($"expected {what} ({string.Join(", ", names.Keys)}), found '{w}'");
            }

            public long Long(string what) => Long(Word(what), what);

            public long Long(string text, string what) =>
                long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Error($"{what} must be an integer, is '{text}'");

            public int Int(string text, string what)
            {
                long v = Long(text, what);
                return v >= int.MinValue && v <= int.MaxValue ? (int)v : throw Error($"{what} {v} is out of range");
            }

            public double Double(string text, string what) =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Error($"{what} must be a number, is '{text}'");

            public float Float(string text, string what) =>
                float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : throw Error($"{what} must be a number, is '{text}'");

            public long[] LongList(string text, string what) =>
                text.Length == 0 ? Array.Empty<long>() : text.Split(',').Select(t => Long(t, what)).ToArray();

            public int[] IntList(string text, string what, bool bracketed)
            {
                if (bracketed)
                {
                    if (text.Length < 2 || text[0] != '[' || text[text.Length - 1] != ']')
                        throw Error($"{what} must be written [d0,d1,...], is '{text}'");
                    text = text.Substring(1, text.Length - 2);
                }
                return text.Length == 0 ? Array.Empty<int>() : text.Split(',').Select(t => Int(t, what)).ToArray();
            }

            public float[] FloatList(string text, string what) =>
                text.Length == 0 ? Array.Empty<float>() : text.Split(',').Select(t => Float(t, what)).ToArray();

            public void End()
            {
                if (!AtEnd)
                    throw Error($"unexpected '{_tokens[_next].Text}' at the end of the line");
            }

            private (string Text, bool Quoted) Take(string what)
            {
                if (AtEnd)
                    throw Error($"expected {what} at the end of the line");
                return _tokens[_next++];
            }
        }
    }
}
