namespace Bitsmith.Cli.Reporting
{
    /// <summary>The formats of <c>report --format</c>.</summary>
    internal static class ReportFormat
    {
        public const string Markdown = "md";
        public const string Csv = "csv";
        public const string Json = "json";

        public static readonly string[] All = { Markdown, Csv, Json };
    }
}
