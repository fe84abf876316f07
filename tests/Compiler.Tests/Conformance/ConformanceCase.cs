using System.Collections.Generic;

namespace Bitsmith.Compiler.Tests.Conformance
{
    public enum CaseOutcome
    {
        Passed,
        Failed,
        /// <summary>Not run: an op, element type or opset outside what the compiler supports.</summary>
        NotApplicable,
    }

    /// <summary>One test directory of ONNX's backend test data and what happened to it.</summary>
    public sealed record CaseResult(string Suite, string Name, IReadOnlyList<string> Ops, CaseOutcome Outcome, string Detail);
}
