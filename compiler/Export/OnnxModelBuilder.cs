using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Google.Protobuf;

namespace Bitsmith.Compiler.Export
{
    /// <summary>
    /// Builds an ONNX ModelProto node by node: graph inputs, initializers, nodes with
    /// attributes, outputs. Used by tests to write models of exactly the shape they need,
    /// and by exporters.
    /// </summary>
    public sealed class OnnxModelBuilder
    {
        private readonly ModelProto _model;
        private readonly GraphProto _graph;
        private int _counter;

        public OnnxModelBuilder(string graphName, int opset = 13)
        {
            _graph = new GraphProto { Name = graphName };
            _model = new ModelProto { IrVersion = 8, ProducerName = "bitsmith", Graph = _graph };
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        }

        /// <summary>Imports another domain, such as "com.microsoft".</summary>
        public OnnxModelBuilder Opset(string domain, int version)
        {
            var existing = _model.OpsetImport.FirstOrDefault(o => o.Domain == domain);
            if (existing != null)
                existing.Version = version;
            else
                _model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
            return this;
        }

        /// <summary>Declares a graph input; a negative dimension is written as the symbolic "N".</summary>
        public string Input(string name, ElementType type, params int[] shape)
        {
            _graph.Input.Add(ValueInfo(name, type, shape));
            return name;
        }

        /// <summary>Declares a graph output; <paramref name="shape"/> may be omitted.</summary>
        public string Output(string name, ElementType type, params int[] shape)
        {
            _graph.Output.Add(ValueInfo(name, type, shape));
            return name;
        }

        public string Initializer(string name, Tensor value)
        {
            _graph.Initializer.Add(TensorEncoder.Encode(name, value));
            return name;
        }

        public string Initializer(string name, int[] shape, float[] data) => Initializer(name, Tensor.FromFloats(shape, data));

        /// <summary>
        /// Adds a node; returns the name of its first output. Outputs default to one fresh name.
        /// Attribute values: float, int, long, string, float[], int[], long[], Tensor.
        /// Pass "" for an absent optional input.
        /// </summary>
        public string Node(string opType, string[] inputs, params (string Name, object Value)[] attributes) =>
            NodeWithOutputs(opType, inputs, null, null, "", attributes)[0];

        public string[] NodeWithOutputs(string opType, string[] inputs, string[]? outputs, string? name, string domain, params (string Name, object Value)[] attributes)
        {
            string id = name ?? $"{opType.ToLowerInvariant()}_{_counter++}";
            var node = new NodeProto { OpType = opType, Name = id, Domain = domain };
            node.Input.AddRange(inputs);
            node.Output.AddRange(outputs ?? new[] { id });
            foreach (var (attrName, value) in attributes)
                node.Attribute.Add(Attribute(attrName, value));
            _graph.Node.Add(node);
            return node.Output.ToArray();
        }

        /// <summary>Sets metadata_props on the node that produces <paramref name="output"/>.</summary>
        public OnnxModelBuilder NodeMetadata(string output, string key, string value)
        {
            var node = _graph.Node.Last(n => n.Output.Contains(output));
            node.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            return this;
        }

        public ModelProto Build() => _model.Clone();

        public byte[] ToBytes() => _model.ToByteArray();

        public void Save(string path) => File.WriteAllBytes(path, ToBytes());

        private static ValueInfoProto ValueInfo(string name, ElementType type, int[] shape)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorEncoder.DataType(type), Shape = new TensorShapeProto() };
            foreach (int d in shape)
                tensor.Shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }

        private static AttributeProto Attribute(string name, object value)
        {
            var a = new AttributeProto { Name = name };
            switch (value)
            {
                case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
                case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
                case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
                case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
                case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
                case float[] fs: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(fs); break;
                case int[] ns: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ns.Select(x => (long)x)); break;
                case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
                case Tensor t: a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = TensorEncoder.Encode(name, t); break;
                default: throw new ArgumentException($"attribute '{name}': unsupported value type {value?.GetType().Name ?? "null"}");
            }
            return a;
        }
    }
}
