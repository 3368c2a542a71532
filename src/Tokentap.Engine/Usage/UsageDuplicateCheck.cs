// Whether a write looks for its events among the stored ones: always, unless the recorder vouches for a fresh batch.
namespace Tokentap.Engine.Usage;

/// <summary>
/// How a write learns which of its events are already stored. The safe way is the default; only the recorder, for the
/// first attempt of a batch of events with ids made in this process, may leave the check out (see
/// <see cref="UsageRecorder"/>), because nothing can have stored those ids yet.
/// </summary>
internal enum UsageDuplicateCheck
{
    /// <summary>Reads the ids stored in the chunks of the batch's UTC days and skips the events found there.</summary>
    StoredEvents = 0,

    /// <summary>Reads nothing: the recorder's first attempt of a batch whose ids are new (see <see cref="UsageRecorder"/>).</summary>
    NoneForFreshIds,
}
