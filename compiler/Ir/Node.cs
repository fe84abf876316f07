using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Bitsmith.Compiler.Ir
{
    /// <summary>
    /// An operation of the graph. Op types and attributes keep their ONNX names;
    /// a missing optional input is a null entry in <see cref="Inputs"/>.
    /// Typed attribute getters throw <see cref="ModelException"/> naming the node.
    /// </summary>
    public sealed class Node
    {
        public Node(string name, string opType, string domain, int opsetVersion)
        {
            Name = name;
            OpType = opType;
            Domain = domain;
            OpsetVersion = opsetVersion;
        }

        public string Name { get; set; }

        public string OpType { get; set; }

        /// <summary>"" for the default ONNX domain, else e.g. "com.microsoft".</summary>
        public string Domain { get; set; }

        /// <summary>The opset version of the node's domain that the model imports.</summary>
        public int OpsetVersion { get; set; }

        public List<Value?> Inputs { get; } = new List<Value?>();

        public List<Value> Outputs { get; } = new List<Value>();

        public Dictionary<string, Attribute> Attributes { get; } = new Dictionary<string, Attribute>();

        /// <summary>An activation fused into this node's output by a pass.</summary>
        public FusedActivation? Activation { get; set; }

        /// <summary>metadata_props of the ONNX node (our exporter writes bitwidths here).</summary>
        public Dictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

        /// <summary>Input <paramref name="i"/>, or null if absent or beyond the list.</summary>
        public Value? Input(int i) => i < Inputs.Count ? Inputs[i] : null;

        /// <summary>Input <paramref name="i"/>, which the op requires.</summary>
        public Value RequiredInput(int i) =>
            Input(i) ?? throw Error($"input {i} is required but missing");

        public ModelException Error(string problem) => new ModelException(problem, null, Name, OpType);

        /// <summary>For a valid node that uses something Bitsmith does not support.</summary>
        public ModelException Unsupported(string problem) => new UnsupportedModelException(problem, null, Name, OpType);

        /// <summary>
        /// The same problem placed at this node, of the same kind (broken or unsupported):
        /// shared helpers (Shape.Broadcast, Shape.Size) raise errors that do not know which node called them.
        /// </summary>
        public ModelException Error(ModelException unplaced) => unplaced is UnsupportedModelException
            ? new UnsupportedModelException(unplaced.Problem, unplaced.File, Name, OpType, unplaced)
            : new ModelException(unplaced.Problem, unplaced.File, Name, OpType, unplaced);

        public bool HasAttribute(string name) => Attributes.ContainsKey(name);

        public long GetInt(string name, long defaultValue) => TryGet(name, AttributeKind.Int, out var a) ? (long)a.Value : defaultValue;

        public long GetInt(string name) => (long)Require(name, AttributeKind.Int).Value;

        public float GetFloat(string name, float defaultValue) => TryGet(name, AttributeKind.Float, out var a) ? (float)a.Value : defaultValue;

        public string GetString(string name, string defaultValue) => TryGet(name, AttributeKind.String, out var a) ? (string)a.Value : defaultValue;

        public long[]? GetInts(string name) => TryGet(name, AttributeKind.Ints, out var a) ? (long[])a.Value : null;

        public float[]? GetFloats(string name) => TryGet(name, AttributeKind.Floats, out var a) ? (float[])a.Value : null;

        public Tensor? GetTensor(string name) => TryGet(name, AttributeKind.Tensor, out var a) ? (Tensor)a.Value : null;

        private Attribute Require(string name, AttributeKind kind) =>
            TryGet(name, kind, out var a) ? a : throw Error($"attribute '{name}' is required");

        private bool TryGet(string name, AttributeKind kind, [NotNullWhen(true)] out Attribute? attribute)
        {
            if (!Attributes.TryGetValue(name, out attribute))
                return false;
            if (attribute.Kind != kind)
                throw Error($"attribute '{name}' must be {kind}, not {attribute.Kind}");
            return true;
        }

        public override string ToString() => $"'{Name}' ({OpType})";
    }
}
