// The per session and model state of the detectors that judge prompts (cache breaks, token spikes).
namespace Tokentap.Engine.Anomalies;

/// <summary>
/// One state per session and model: Claude Code's small Haiku calls share its session id but never its prompt or its
/// cache, so each model of a session is followed on its own. Only successful requests with a prompt are judged.
/// </summary>
/// <typeparam name="T">The detector's state of one session and model.</typeparam>
/// <param name="lastSeen">When a state last saw a request, for <see cref="Forget"/>.</param>
internal sealed class PromptStreams<T>(Func<T, DateTime> lastSeen)
    where T : class, new()
{
    private readonly Dictionary<(string Session, string Model), T> _streams = new();

    /// <summary>The state for this request's session and model (made on first use); null when there is no prompt to judge.</summary>
    public T? For(UsageEvent e, string session)
    {
        if (!e.IsSuccess || e.ContextTokens == 0)
        {
            return null;
        }

        var key = (session, e.Model ?? e.RequestModel ?? "");
        if (!_streams.TryGetValue(key, out var stream))
        {
            stream = new T();
            _streams[key] = stream;
        }

        return stream;
    }

    /// <summary>Drops the states whose last request is older than an instant.</summary>
    public void Forget(DateTime before)
    {
        foreach (var (key, stream) in _streams)
        {
            if (lastSeen(stream) < before)
            {
                _streams.Remove(key);
            }
        }
    }
}
