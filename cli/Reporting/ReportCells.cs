using System.Collections.Generic;
using System.Globalization;
using Bitsmith.Compiler.Reports;

namespace Bitsmith.Cli.Reporting
{
    /// <summary>A layer's row as text cells, in <see cref="ReportData.Columns"/> order; numbers in the invariant culture.</summary>
    internal static class ReportCells
    {
        public static IReadOnlyList<string> Of(LayerSummary l) => new[]
        {
            l.Node, l.Op, l.InputShape, l.OutputShape,
            l.Macs.ToString(CultureInfo.InvariantCulture),
            l.WeightBits.ToString(CultureInfo.InvariantCulture),
            l.ActivationBits.ToString(CultureInfo.InvariantCulture),
            l.WeightBytes.ToString(CultureInfo.InvariantCulture),
            l.Implementation, l.Reason,
            Microseconds(l.EstimatedNanoseconds / 1000),
            l.Note,
        };

        public static string Microseconds(double us) => us.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
