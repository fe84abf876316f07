using System;

namespace Bitsmith.Compiler
{
    /// <summary>
    /// The one exception type the compiler throws for a bad or unsupported model.
    /// Its message names the file, the node (name and op) and the problem, so a
    /// user can find what to fix without a debugger.
    /// </summary>
    public class ModelException : Exception
    {
        public ModelException(string problem, string? file = null, string? nodeName = null, string? opType = null, Exception? inner = null)
            : base(Format(problem, file, nodeName, opType), inner)
        {
            Problem = problem;
            File = file;
            NodeName = nodeName;
            OpType = opType;
        }

        /// <summary>The model file, when known.</summary>
        public string? File { get; }

        /// <summary>The node's name (may be empty in the file), when the problem is at a node.</summary>
        public string? NodeName { get; }

        /// <summary>The node's op type, when the problem is at a node.</summary>
        public string? OpType { get; }

        /// <summary>What is wrong, without the location.</summary>
        public string Problem { get; }

        /// <summary>The same error, placed in a file (errors raised deep in an op do not know it).</summary>
        public ModelException InFile(string file) =>
            File != null ? this : Relocated(file);

        protected virtual ModelException Relocated(string file) =>
            new ModelException(Problem, file, NodeName, OpType, InnerException ?? this);

        private static string Format(string problem, string? file, string? nodeName, string? opType)
        {
            string where = file ?? "<model>";
            if (opType != null)
                where += $": node '{nodeName}' ({opType})";
            return $"{where}: {problem}";
        }
    }
}
