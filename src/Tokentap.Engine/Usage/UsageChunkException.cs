// Raised when the bytes of a chunk document cannot be read: the file's content is damaged.
namespace Tokentap.Engine.Usage;

/// <summary>A chunk whose encoded events are not readable (truncated, unknown format, broken values).</summary>
internal sealed class UsageChunkException : Exception
{
    public UsageChunkException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
