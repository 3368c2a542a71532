// Reads a log file from an offset in slices of complete lines, handing each line to the agent's reader.
using System.Security.Cryptography;

namespace Tokentap.Engine.History;

/// <summary>
/// Opens the file shared (the agent may be writing it), starts at an offset and feeds complete lines (ending in a line
/// feed) to the reader until a slice holds enough events; a last line without its line feed is left for the next run,
/// since the agent may still be writing it. Whole-file formats are read at once, and only when complete JSON.
/// </summary>
public sealed class LogFileReader : IDisposable
{
    /// <summary>Bytes of the head a checkpoint hashes.</summary>
    public const int HeadBytes = 4096;

    private const int BufferSize = 1 << 20;
    private readonly AgentLogReader _reader;
    private readonly FileStream _stream;
    private readonly LogReadContext _context;
    private byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;
    private bool _eof;

    public LogFileReader(AgentLogReader reader, string path, long offset, LogFileState state)
    {
        _reader = reader;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        _stream.Seek(offset, SeekOrigin.Begin);
        Offset = offset;
        _context = new LogReadContext(path, state);
    }

    /// <summary>The end of the last complete line handed to the reader.</summary>
    public long Offset { get; private set; }

    /// <summary>The reader's state after the lines read so far.</summary>
    public LogFileState State => _context.State;

    /// <summary>SHA-256 (hex) of the file's first <paramref name="length"/> bytes.</summary>
    public static string HashHead(string path, int length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var head = new byte[length];
        stream.ReadExactly(head);
        return Convert.ToHexString(SHA256.HashData(head));
    }

    /// <summary>Reads lines until about <paramref name="maxEvents"/> events were found or the file ends.</summary>
    public LogFileSlice ReadSlice(int maxEvents, CancellationToken cancellationToken)
    {
        _context.ClearEvents();
        _context.SkippedLines = 0;
        if (_reader.IsWholeFile(_context.FilePath))
        {
            return ReadWhole();
        }

        while (_context.Events.Count < maxEvents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                if (_eof || !Fill())
                {
                    break;
                }

                continue;
            }

            var line = new ReadOnlyMemory<byte>(_buffer, _start, newline - _start);
            Offset += newline + 1 - _start;
            _start = newline + 1;
            if (!IsBlank(line.Span))
            {
                _reader.ReadLine(line, _context);
            }
        }

        var more = _context.Events.Count >= maxEvents;
        return new LogFileSlice(_context.Events.ToList(), _context.SkippedLines, Offset, more);
    }

    public void Dispose() => _stream.Dispose();

    private LogFileSlice ReadWhole()
    {
        var bytes = new byte[_stream.Length - _stream.Position];
        _stream.ReadExactly(bytes);
        var end = Offset + bytes.Length;
        if (bytes.Length > 0)
        {
            var before = _context.SkippedLines;
            _reader.ReadLine(bytes, _context);
            if (_context.SkippedLines > before && _context.Events.Count == 0)
            {
                // Not (yet) a complete document: the agent may be writing it. Try again next run.
                return new LogFileSlice([], _context.SkippedLines, Offset, false);
            }
        }

        Offset = end;
        return new LogFileSlice(_context.Events.ToList(), _context.SkippedLines, Offset, false);
    }

    /// <summary>Moves what is left to the front (growing the buffer for a very long line) and reads more.</summary>
    private bool Fill()
    {
        var left = _end - _start;
        if (_start == 0 && left == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (left > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, left);
        }

        _start = 0;
        _end = left;
        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
            return false;
        }

        _end += read;
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;
}
