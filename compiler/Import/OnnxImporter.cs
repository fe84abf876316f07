using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Bitsmith.Compiler.Ir;
using Bitsmith.Compiler.Onnx;
using Bitsmith.Compiler.Ops;
using Google.Protobuf;

namespace Bitsmith.Compiler.Import
{
    /// <summary>
    /// Reads an ONNX model into a <see cref="Graph"/> with static shapes: decodes the
    /// protobuf, resolves names to values, sorts the nodes topologically (rejecting
    /// cycles), specialises symbolic dimensions, and runs type inference. Every
    /// problem becomes a <see cref="ModelException"/> naming the file and node.
    /// </summary>
    public static class OnnxImporter
    {
        /// <summary>ModelProto cannot exceed 2 GB (protobuf's limit), nor can we.</summary>
        public const long MaxFileBytes = int.MaxValue;

        public static Graph Load(string path, ImportOptions? options = null)
        {
            byte[] bytes;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                    throw new ModelException("file not found", path);
                if (info.Length > MaxFileBytes)
                    throw new UnsupportedModelException($"the file is {info.Length} bytes; models over 2 GB are not supported", path);
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelException("cannot read the file: " + e.Message, path, inner: e);
            }
            return Load(bytes, path, options);
        }

        /// <summary>Imports a model from memory; <paramref name="sourceName"/> names it in errors.</summary>
        public static Graph Load(byte[] bytes, string sourceName, ImportOptions? options = null)
        {
            try
            {
                return Import(Parse(bytes), sourceName, options ?? new ImportOptions());
            }
            catch (ModelException e)
            {
                throw e.InFile(sourceName);
            }
        }

        public static ModelProto Parse(byte[] bytes)
        {
            if (bytes.Length == 0)
                throw new ModelException("the file is empty");
            const string text = "the file is text, not a binary ONNX model";
            ModelProto model;
            try
            {
                model = ModelProto.Parser.ParseFrom(bytes);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException || e is ArgumentException || e is InvalidOperationException)
            {
                throw new ModelException(LooksLikeText(bytes) ? text : "not a valid ONNX file (protobuf decoding failed: " + e.Message + ")", inner: e);
            }
            // Some text happens to decode as protobuf fields, but never as a graph.
            if (model.Graph == null && LooksLikeText(bytes))
                throw new ModelException(text);
            return model;
        }

        /// <summary>
        /// Whether the file's start is all printable: text (JSON, prototxt, an HTML error page
        /// saved as .onnx). Only used to explain a file that does not decode.
        /// </summary>
        private static bool LooksLikeText(byte[] bytes)
        {
            int n = Math.Min(bytes.Length, 256);
            for (int i = 0; i < n; i++)
            {
                byte b = bytes[i];
                if ((b < 0x20 || b > 0x7E) && b != (byte)'\n' && b != (byte)'\r' && b != (byte)'\t')
                    return false;
            }
            return true;
        }

        private static Graph Import(ModelProto model, string source, ImportOptions options)
        {
            var g = model.Graph ?? throw new ModelException("the model has no graph");
            var graph = new Graph(g.Name, source);
            foreach (var opset in model.OpsetImport)
            {
                if (opset.Version < 1 || opset.Version > 1000)
                    throw new ModelException($"opset import of domain '{opset.Domain}' has invalid version {opset.Version}");
                graph.Opsets[OperatorRegistry.NormalizeDomain(opset.Domain)] = (int)opset.Version;
            }
            if (!graph.Opsets.ContainsKey(""))
                throw new ModelException("the model imports no opset of the ONNX domain");
            if (graph.Opsets[""] > SupportedOpsets.MaxOnnx)
                throw new UnsupportedModelException($"the model imports opset {graph.Opsets[""]} of the ONNX domain; opsets up to {SupportedOpsets.MaxOnnx} are supported (a newer opset may change what an operator means)");
            if (g.SparseInitializer.Count > 0)
                throw new UnsupportedModelException($"sparse initializer '{g.SparseInitializer[0].Values?.Name}' is not supported");

            var values = new Dictionary<string, Value>();
            foreach (var init in g.Initializer)
            {
                if (values.ContainsKey(init.Name))
                    throw new ModelException($"initializer '{init.Name}' is defined twice");
                values[init.Name] = Value.FromConstant(init.Name, TensorDecoder.Decode(init, "initializer"));
            }
            foreach (var input in g.Input)
            {
                if (values.TryGetValue(input.Name, out var existing))
                {
                    if (!existing.IsConstant)
                        throw new ModelException($"graph input '{input.Name}' is declared twice");
                    continue; // IR < 4 lists initializers among the inputs
                }
                var v = DeclaredValue(input, "graph input", options);
                values[input.Name] = v;
                if (options.ConstantInputs.TryGetValue(input.Name, out var fixedValue))
                {
                    if (fixedValue.Type != v.Type || !Shape.SameAs(fixedValue.Shape, v.Shape))
                        throw new ModelException($"graph input '{input.Name}' is {v.Type.ShortName()}{Shape.Format(v.Shape)} but its compile-time value is {fixedValue.Type.ShortName()}{Shape.Format(fixedValue.Shape)}");
                    v.Constant = fixedValue;
                }
                else
                {
                    graph.Inputs.Add(v);
                }
            }
            foreach (var name in options.ConstantInputs.Keys)
                if (!g.Input.Any(i => i.Name == name))
                    throw new ModelException($"'{name}' is given a compile-time value but is not a graph input");

            var nodes = g.Node.Select((n, i) => ConvertNode(n, i, graph)).ToList();
            foreach (var (node, proto) in TopologicalOrder(nodes, g, values))
            {
                foreach (var name in proto.Input)
                    node.Inputs.Add(name.Length == 0 ? null : values[name]);
                foreach (var name in proto.Output)
                {
                    if (name.Length == 0)
                        throw node.Error("an output has an empty name");
                    if (values.ContainsKey(name))
                        throw node.Error($"output '{name}' is already defined by another node, an input or an initializer");
                    var v = new Value(name, ElementType.Float32, Array.Empty<int>());
                    values[name] = v;
                    node.Outputs.Add(v);
                }
                graph.Nodes.Add(node);
            }

            foreach (var output in g.Output)
            {
                if (!values.TryGetValue(output.Name, out var v))
                    throw new ModelException($"graph output '{output.Name}' is not produced by any node");
                if (graph.Outputs.Contains(v))
                    throw new ModelException($"graph output '{output.Name}' is listed twice");
                graph.Outputs.Add(v);
            }

            TypeInference.Run(graph, foldShapeArithmetic: true);

            foreach (var output in g.Output)
                CheckDeclaredOutput(output, values[output.Name]);
            Verifier.Verify(graph, VerifierStage.Imported);
            return graph;
        }

        private static Node ConvertNode(NodeProto proto, int index, Graph graph)
        {
            string domain = OperatorRegistry.NormalizeDomain(proto.Domain);
            string name = proto.Name.Length > 0 ? proto.Name : proto.Output.FirstOrDefault(o => o.Length > 0) ?? $"#{index}";
            graph.Opsets.TryGetValue(domain, out int version);
            var node = new Node(name, proto.OpType, domain, version);
            if (version == 0)
                throw node.Error($"the model imports no opset for domain '{proto.Domain}'");
            foreach (var a in proto.Attribute)
            {
                if (node.Attributes.ContainsKey(a.Name))
                    throw node.Error($"attribute '{a.Name}' is given twice");
                node.Attributes[a.Name] = AttributeDecoder.Decode(a, node);
            }
            foreach (var m in proto.MetadataProps)
                node.Metadata[m.Key] = m.Value;
            return node;
        }

        /// <summary>
        /// Nodes in an order where every input is defined before use (ONNX requires the file
        /// to be sorted already, but producers write unsorted files). Rejects cycles and
        /// inputs that nothing defines.
        /// </summary>
        private static IEnumerable<(Node, NodeProto)> TopologicalOrder(List<Node> nodes, GraphProto g, Dictionary<string, Value> defined)
        {
            var producer = new Dictionary<string, int>();
            for (int i = 0; i < g.Node.Count; i++)
                foreach (var o in g.Node[i].Output)
                    if (o.Length > 0 && !producer.ContainsKey(o) && !defined.ContainsKey(o))
                        producer[o] = i;

            var state = new byte[nodes.Count]; // 0 new, 1 on the stack, 2 done
            var order = new List<int>(nodes.Count);
            for (int root = 0; root < nodes.Count; root++)
            {
                if (state[root] != 0)
                    continue;
                // Iterative DFS: a fuzzed file must not overflow the stack.
                var stack = new Stack<(int node, int nextInput)>();
                stack.Push((root, 0));
                state[root] = 1;
                while (stack.Count > 0)
                {
                    var (n, k) = stack.Pop();
                    var inputs = g.Node[n].Input;
                    if (k < inputs.Count)
                    {
                        stack.Push((n, k + 1));
                        string name = inputs[k];
                        if (name.Length == 0 || defined.ContainsKey(name))
                            continue;
                        if (!producer.TryGetValue(name, out int p))
                            throw nodes[n].Error($"input '{name}' is not produced by any node, initializer or graph input");
                        if (state[p] == 1)
                            throw nodes[n].Error($"the graph has a cycle through '{name}'");
                        if (state[p] == 0)
                        {
                            state[p] = 1;
                            stack.Push((p, 0));
                        }
                    }
                    else
                    {
                        state[n] = 2;
                        order.Add(n);
                    }
                }
            }
            return order.Select(i => (nodes[i], g.Node[i]));
        }

        private static Value DeclaredValue(ValueInfoProto info, string what, ImportOptions options)
        {
            if (info.Type?.TensorType == null)
                throw new UnsupportedModelException($"{what} '{info.Name}' is not a tensor (sequences, maps and sparse tensors are not supported)");
            var tt = info.Type.TensorType;
            if (!OnnxDataType.TryToElementType(tt.ElemType, out var type))
                throw new UnsupportedModelException($"{what} '{info.Name}' has unsupported element type {OnnxDataType.Name(tt.ElemType)}");
            if (tt.Shape == null)
                throw new ModelException($"{what} '{info.Name}' has no shape; Bitsmith compiles static shapes");
            var shape = new int[tt.Shape.Dim.Count];
            for (int i = 0; i < shape.Length; i++)
                shape[i] = Dimension(tt.Shape.Dim[i], i, info.Name, what, options);
            try
            {
                Shape.Size(shape);
            }
            catch (ModelException e)
            {
                throw new ModelException($"{what} '{info.Name}': {e.Problem}");
            }
            return new Value(info.Name, type, shape);
        }

        private static int Dimension(TensorShapeProto.Types.Dimension d, int index, string tensor, string what, ImportOptions options)
        {
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue)
            {
                if (d.DimValue < 0 || d.DimValue > int.MaxValue)
                    throw new ModelException($"{what} '{tensor}' has invalid dimension {d.DimValue}");
                return (int)d.DimValue;
            }
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && options.SymbolicDimensions.TryGetValue(d.DimParam, out int v))
                return v;
            if (index == 0)
                return options.BatchSize;
            string label = d.DimParam.Length > 0 ? $"'{d.DimParam}'" : "unknown";
            throw new ModelException($"{what} '{tensor}' has a symbolic dimension {label} at axis {index}; give its value in ImportOptions.SymbolicDimensions");
        }

        private static void CheckDeclaredOutput(ValueInfoProto info, Value v)
        {
            var tt = info.Type?.TensorType;
            if (tt == null)
                return;
            if (tt.ElemType != 0 && (!OnnxDataType.TryToElementType(tt.ElemType, out var declared) || declared != v.Type))
                throw new ModelException($"graph output '{info.Name}' is declared {OnnxDataType.Name(tt.ElemType)} but computes {v.Type.ShortName()}");
            if (tt.Shape == null || tt.Shape.Dim.Count == 0 && v.Rank != 0)
                return;
            bool mismatch = tt.Shape.Dim.Count != v.Rank;
            for (int i = 0; !mismatch && i < v.Rank; i++)
            {
                var d = tt.Shape.Dim[i];
                if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && i > 0 && d.DimValue != v.Shape[i])
                    mismatch = true;
            }
            if (mismatch)
                throw new ModelException($"graph output '{info.Name}' is declared with {tt.Shape.Dim.Count} dimensions [{string.Join(",", tt.Shape.Dim.Select(x => x.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? x.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"))}] but computes {Shape.Format(v.Shape)}");
        }
    }
}
