// How far one log file has been imported: its size, time and head when last read, the offset reached, the reader state.
namespace Tokentap.Engine.History;

/// <summary>
/// A file is unchanged when size and modification time match and everything was read; appended when it grew and its
/// head still hashes the same (reading continues at <see cref="Offset"/> with <see cref="State"/>); rewritten or
/// truncated otherwise (read again from the start: the events' ids make that add nothing twice).
/// </summary>
public sealed record LogCheckpoint
{
    /// <summary>The file's length when it was last read.</summary>
    public long Size { get; init; }

    /// <summary>The file's last write time (UTC ticks) when it was last read.</summary>
    public long ModifiedTicks { get; init; }

    /// <summary>The end of the last complete line read.</summary>
    public long Offset { get; init; }

    /// <summary>How many bytes from the start <see cref="HeadHash"/> covers (at most 4 KiB, at most the offset).</summary>
    public int HeadLength { get; init; }

    /// <summary>SHA-256 of the first <see cref="HeadLength"/> bytes, hex.</summary>
    public string HeadHash { get; init; } = "";

    /// <summary>The reader's state after the last line read.</summary>
    public LogFileState State { get; init; } = new();
}
