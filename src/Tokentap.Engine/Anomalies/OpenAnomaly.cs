// An anomaly while it is being found: it opens at the request that crossed a threshold and grows with later ones.
using System.Globalization;

namespace Tokentap.Engine.Anomalies;

/// <summary>The mutable form of a <see cref="TokenUsageAnomaly"/>, owned by the detector that opened it.</summary>
internal sealed class OpenAnomaly
{
    private decimal _extraCost;
    private bool _costUnknown;

    public OpenAnomaly(TokenUsageAnomalyKind kind, string session, UsageEvent first)
    {
        Kind = kind;
        Session = session;
        App = first.App;
        Model = first.Model ?? first.RequestModel;
        TokentapSession = first.Session;
        Start = first.Timestamp;
        End = first.Timestamp;
    }

    public TokenUsageAnomalyKind Kind { get; }

    public string Session { get; }

    public string? App { get; }

    public string? Model { get; }

    public string? TokentapSession { get; }

    public DateTime Start { get; set; }

    public DateTime End { get; set; }

    public int Count { get; set; }

    public long ExtraTokens { get; private set; }

    public decimal? ExtraCost => _costUnknown ? null : _extraCost;

    /// <summary>The facts its detail line is formatted from (set by the detector that opened it); null: no detail.</summary>
    public AnomalyDetail? Facts { get; set; }

    /// <summary>The detail line, formatted now from <see cref="Facts"/> as they stand after the latest request.</summary>
    public string Detail => Facts?.Format(this) ?? "";

    /// <summary>Adds a request's share: its extra tokens and what they cost (null: unknown, unless no tokens).</summary>
    public void AddExtra(long tokens, decimal? cost)
    {
        ExtraTokens += tokens;
        if (cost is { } known)
        {
            _extraCost += known;
        }
        else if (tokens > 0)
        {
            _costUnknown = true;
        }
    }

    public TokenUsageAnomaly ToAnomaly() => new()
    {
        Kind = Kind,
        Session = Session,
        App = App,
        Model = Model,
        TokentapSession = TokentapSession,
        Start = Start,
        End = End,
        Count = Count,
        ExtraTokens = ExtraTokens,
        ExtraCost = ExtraCost,
        Detail = Detail,
    };

    /// <summary>A short line for a notice: kind, session, app, detail, and the extra cost when there is one.</summary>
    public string Describe()
    {
        var cost = ExtraCost is { } c && c > 0 ? string.Format(CultureInfo.InvariantCulture, ", about ${0:0.####} extra", c) : "";
        return string.Format(CultureInfo.InvariantCulture, "{0} in {1} session {2}: {3}{4}", Kind, App ?? "unknown app", Session, Detail, cost);
    }
}
