// What an open anomaly's detail line is made of, kept current per request and formatted only when the line is read.
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// The facts behind <see cref="OpenAnomaly.Detail"/> that the anomaly itself does not hold (the numbers of its latest
/// request, what the detector knew when it opened). A detector updates them with plain assignments on every request
/// of an open anomaly; the line is formatted from them and the anomaly's own figures only when someone reads it (a
/// notice, Get-TokenUsageAnomaly), not on every request while the anomaly stays open.
/// </summary>
internal abstract class AnomalyDetail
{
    /// <summary>The detail line as it stands after the anomaly's latest request.</summary>
    public abstract string Format(OpenAnomaly open);
}
