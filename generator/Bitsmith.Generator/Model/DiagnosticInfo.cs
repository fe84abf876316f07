using System.Linq;
using Bitsmith.Compiler.Lowering;
using Microsoft.CodeAnalysis;

namespace Bitsmith.Generator.Model
{
    /// <summary>A diagnostic as data: reported by its own output step, compared by value.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, ImmutableEquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new DiagnosticInfo(descriptor, location, new ImmutableEquatableArray<string>(arguments));

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Descriptor, Location?.ToLocation(), Arguments.Cast<object>().ToArray());
    }
}
