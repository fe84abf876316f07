using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Bitsmith.Generator.Model
{
    /// <summary>A source location as plain data, so it can flow through the pipeline without holding a syntax tree.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public static LocationInfo? From(Location? location) =>
            location?.SourceTree is null ? null : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
    }
}
