using System;
using System.Text;

namespace Bitsmith.Compiler.Emit
{
    /// <summary>Indented C# text: lines, and blocks that close themselves when disposed.</summary>
    public sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder _sb = new StringBuilder();
        private int _indent;

        public SourceWriter Line(string text = "")
        {
            if (text.Length > 0)
                for (int i = 0; i < _indent; i++)
                    _sb.Append(IndentUnit);
            _sb.Append(text).Append('\n');
            return this;
        }

        /// <summary>Writes <paramref name="header"/> and an opening brace; the closing brace comes on dispose.</summary>
        public IDisposable Block(string header)
        {
            Line(header);
            Line("{");
            _indent++;
            return new Closer(this);
        }

        /// <summary>Writes the lines of <paramref name="body"/>, each indented by this writer's current depth.</summary>
        public void Append(SourceWriter body)
        {
            string text = body.ToString().TrimEnd('\n');
            if (text.Length == 0)
                return;
            foreach (var line in text.Split('\n'))
                Line(line);
        }

        public override string ToString() => _sb.ToString();

        private sealed class Closer : IDisposable
        {
            private SourceWriter? _writer;

            public Closer(SourceWriter writer) => _writer = writer;

            public void Dispose()
            {
                if (_writer == null)
                    return;
                _writer._indent--;
                _writer.Line("}");
                _writer = null;
            }
        }
    }
}
