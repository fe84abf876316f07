using System.Collections.Generic;
using System.Linq;
using Bitsmith.Compiler.Export;
using Bitsmith.Compiler.Import;
using Bitsmith.Compiler.Interpreter;
using Bitsmith.Compiler.Ir;

namespace Bitsmith.Compiler.Tests.Ops
{
    /// <summary>
    /// A model of one node, written with <see cref="OnnxModelBuilder"/> and run through
    /// import and the reference interpreter: inputs are graph inputs (run-time values) or
    /// initializers (constants).
    /// </summary>
    internal sealed class OneNodeModel
    {
        private readonly string _opType;
        private readonly int _opset;
        private readonly List<string> _inputs = new List<string>();
        private readonly List<(string Name, Tensor Value)> _graphInputs = new List<(string, Tensor)>();
        private readonly List<(string Name, Tensor Value)> _constants = new List<(string, Tensor)>();
        private readonly List<(string Name, object Value)> _attributes = new List<(string, object)>();

        public OneNodeModel(string opType, int opset)
        {
            _opType = opType;
            _opset = opset;
        }

        /// <summary>An input given at run time.</summary>
        public OneNodeModel Input(Tensor value)
        {
            string name = "in" + _inputs.Count;
            _inputs.Add(name);
            _graphInputs.Add((name, value));
            return this;
        }

        /// <summary>An input stored as an initializer.</summary>
        public OneNodeModel Const(Tensor value)
        {
            string name = "in" + _inputs.Count;
            _inputs.Add(name);
            _constants.Add((name, value));
            return this;
        }

        /// <summary>An absent optional input.</summary>
        public OneNodeModel Absent()
        {
            _inputs.Add("");
            return this;
        }

        public OneNodeModel Attr(string name, object value)
        {
            _attributes.Add((name, value));
            return this;
        }

        /// <summary>Imports the model (which runs every op's type rule); the output is declared with <paramref name="outputType"/>.</summary>
        public Graph Import(ElementType outputType)
        {
            var b = new OnnxModelBuilder("one_node", _opset);
            foreach (var (name, value) in _graphInputs)
                b.Input(name, value.Type, value.Shape);
            foreach (var (name, value) in _constants)
                b.Initializer(name, value);
            b.NodeWithOutputs(_opType, _inputs.ToArray(), new[] { "y" }, "node", "", _attributes.ToArray());
            b.Output("y", outputType);
            return OnnxImporter.Load(b.ToBytes(), "one_node.onnx");
        }

        /// <summary>Imports and runs the model; returns output y.</summary>
        public Tensor Run(ElementType outputType)
        {
            var graph = Import(outputType);
            var inputs = _graphInputs.ToDictionary(i => i.Name, i => i.Value);
            return ReferenceInterpreter.Run(graph, inputs)["y"];
        }
    }
}
