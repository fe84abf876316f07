using System;

namespace Bitsmith.Compiler
{
    /// <summary>
    /// A valid model that uses something outside what Bitsmith supports: an unknown op,
    /// an element type, an opset form, a shape computed at run time. Distinct from a
    /// broken model so that tools (and the conformance suite) can tell "not yet" from "wrong".
    /// </summary>
    public sealed class UnsupportedModelException : ModelException
    {
        public UnsupportedModelException(string problem, string? file = null, string? nodeName = null, string? opType = null, Exception? inner = null)
            : base(problem, file, nodeName, opType, inner)
        {
        }

        protected override ModelException Relocated(string file) =>
            new UnsupportedModelException(Problem, file, NodeName, OpType, InnerException ?? this);
    }
}
