using System;
using System.Collections.Generic;
using Bitsmith.Training.Model;

namespace Bitsmith.Samples.FashionTraining;

/// <summary>The networks a run can train every variant on (<c>--net</c>).</summary>
internal static class Networks
{
    public const string Cnn = "cnn", Mobile = "mobile";

    public static readonly IReadOnlyList<string> Names = new[] { Cnn, Mobile };

    public static QuantSequential Build(string net, Scheme scheme) => net switch
    {
        Cnn => FashionCnn.Build(scheme),
        Mobile => FashionMobileNet.Build(scheme),
        _ => throw new ArgumentException($"Unknown network '{net}'; known: {string.Join(", ", Names)}.", nameof(net)),
    };
}
