// The screens of the live view: the overview and the breakdowns the number keys and Enter reach.
namespace Tokentap.Engine.Live;

/// <summary>Which screen the live view shows.</summary>
public enum LiveViewKind
{
    /// <summary>Totals, sparkline, models, latest requests and gauges (key 1).</summary>
    Overview,

    /// <summary>One row per provider (key 2).</summary>
    Providers,

    /// <summary>One row per calling application (key 3).</summary>
    Apps,

    /// <summary>One row per project (key 4).</summary>
    Projects,

    /// <summary>One row per client session (key 5; Enter on a provider, app or project shows its sessions).</summary>
    Sessions,

    /// <summary>One session's requests and its context over time (Enter on a session).</summary>
    SessionDetail,
}
