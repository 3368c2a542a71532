// Decodes a chunked request body (RFC 9112 section 7.1) incrementally, whatever way the bytes are split.
using System.Buffers;
using System.Diagnostics;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// A push decoder for the chunked transfer coding: feed bytes as they arrive, get the body data out. Chunk
/// extensions and trailer fields are read and dropped. Line ends may be CRLF or a bare LF, as in message heads.
/// </summary>
internal sealed class ChunkedBodyDecoder
{
    /// <summary>The longest chunk-size line accepted, extensions included.</summary>
    public const int MaxSizeLineBytes = 4096;

    /// <summary>The most trailer bytes accepted.</summary>
    public const int MaxTrailerBytes = 64 * 1024;

    private readonly long _maxBodyBytes;
    private State _state = State.Size;
    private long _chunkRemaining;
    private int _sizeDigits;
    private int _lineBytes;
    private int _trailerBytes;

    public ChunkedBodyDecoder(long maxBodyBytes) => _maxBodyBytes = maxBodyBytes;

    private enum State
    {
        Size,
        Extension,
        SizeLineFeed,
        Data,
        DataCarriageReturn,
        DataLineFeed,
        TrailerLineStart,
        TrailerLine,
        TrailerLineFeed,
        TrailerEndLineFeed,
        Done,
    }

    /// <summary>Body bytes decoded so far.</summary>
    public long BodyBytes { get; private set; }

    public bool IsDone => _state == State.Done;

    /// <summary>
    /// Decodes as much of <paramref name="input"/> as possible into <paramref name="output"/>. Returns how many
    /// input bytes were used (bytes after the end of the body are left unused) or an error (400 malformed, 413 too
    /// large), after which the decoder is not used again.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, IBufferWriter<byte> output, out HttpParseError error)
    {
        error = default;
        var i = 0;
        while (i < input.Length && _state != State.Done)
        {
            if (_state == State.Data)
            {
                i += CopyChunkData(input[i..], output);
                continue;
            }

            error = Step(input[i++]);
            if (error.IsError)
            {
                break;
            }
        }

        return i;
    }

    /// <summary>One byte of framing (everything except chunk data), handled by the current state.</summary>
    private HttpParseError Step(byte b) => _state switch
    {
        State.Size => ParseSize(b),
        State.Extension => ParseExtension(b),
        State.SizeLineFeed => ParseSizeLineFeed(b),
        State.DataCarriageReturn => ParseDataEnd(b),
        State.DataLineFeed => ParseDataLineFeed(b),
        State.TrailerLineStart => ParseTrailerLineStart(b),
        State.TrailerLine => ParseTrailerLine(b),
        State.TrailerLineFeed => ParseTrailerLineFeed(b),
        State.TrailerEndLineFeed => ParseTrailerEndLineFeed(b),
        _ => throw new UnreachableException($"no framing byte is read in state {_state}"),
    };

    private int CopyChunkData(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var take = (int)Math.Min(_chunkRemaining, input.Length);
        output.Write(input[..take]);
        _chunkRemaining -= take;
        if (_chunkRemaining == 0)
        {
            _state = State.DataCarriageReturn;
        }

        return take;
    }

    private HttpParseError ParseSize(byte b)
    {
        if (++_lineBytes > MaxSizeLineBytes)
        {
            return HttpParseError.Malformed("chunk size line too long");
        }

        var digit = HexValue(b);
        if (digit >= 0)
        {
            if (_chunkRemaining > (long.MaxValue >> 4))
            {
                return HttpParseError.Malformed("chunk size too large");
            }

            _chunkRemaining = (_chunkRemaining << 4) | (uint)digit;
            _sizeDigits++;
            return default;
        }

        if (_sizeDigits == 0)
        {
            return HttpParseError.Malformed("malformed chunk size");
        }

        switch (b)
        {
            case (byte)';' or (byte)' ' or (byte)'\t':
                _state = State.Extension;
                return default;
            case (byte)'\r':
                _state = State.SizeLineFeed;
                return default;
            case (byte)'\n':
                return EndSizeLine();
            default:
                return HttpParseError.Malformed("malformed chunk size");
        }
    }

    private HttpParseError ParseExtension(byte b)
    {
        if (++_lineBytes > MaxSizeLineBytes)
        {
            return HttpParseError.Malformed("chunk extension too long");
        }

        if (b == '\r')
        {
            _state = State.SizeLineFeed;
        }
        else if (b == '\n')
        {
            return EndSizeLine();
        }

        return default;
    }

    private HttpParseError ParseSizeLineFeed(byte b) =>
        b == '\n' ? EndSizeLine() : HttpParseError.Malformed("a bare CR in a chunk size line");

    private HttpParseError ParseDataEnd(byte b)
    {
        switch (b)
        {
            case (byte)'\r':
                _state = State.DataLineFeed;
                return default;
            case (byte)'\n':
                StartSizeLine();
                return default;
            default:
                return HttpParseError.Malformed("chunk data longer than its size");
        }
    }

    private HttpParseError ParseDataLineFeed(byte b)
    {
        if (b != '\n')
        {
            return HttpParseError.Malformed("chunk data not followed by CRLF");
        }

        StartSizeLine();
        return default;
    }

    private HttpParseError ParseTrailerLineStart(byte b)
    {
        switch (b)
        {
            case (byte)'\r':
                _state = State.TrailerEndLineFeed;
                return default;
            case (byte)'\n':
                _state = State.Done;
                return default;
            default:
                _state = State.TrailerLine;
                return CountTrailerByte();
        }
    }

    private HttpParseError ParseTrailerLine(byte b)
    {
        if (b == '\r')
        {
            _state = State.TrailerLineFeed;
        }
        else if (b == '\n')
        {
            _state = State.TrailerLineStart;
        }

        return CountTrailerByte();
    }

    private HttpParseError ParseTrailerLineFeed(byte b)
    {
        if (b != '\n')
        {
            return HttpParseError.Malformed("a bare CR in a trailer field");
        }

        _state = State.TrailerLineStart;
        return default;
    }

    private HttpParseError ParseTrailerEndLineFeed(byte b)
    {
        if (b != '\n')
        {
            return HttpParseError.Malformed("malformed trailer section");
        }

        _state = State.Done;
        return default;
    }

    private HttpParseError EndSizeLine()
    {
        if (_chunkRemaining == 0)
        {
            _state = State.TrailerLineStart;
            return default;
        }

        if (_chunkRemaining > _maxBodyBytes - BodyBytes)
        {
            return new HttpParseError(413, $"the request body exceeds {_maxBodyBytes} bytes");
        }

        BodyBytes += _chunkRemaining;
        _state = State.Data;
        return default;
    }

    private void StartSizeLine()
    {
        _state = State.Size;
        _chunkRemaining = 0;
        _sizeDigits = 0;
        _lineBytes = 0;
    }

    private HttpParseError CountTrailerByte() =>
        ++_trailerBytes > MaxTrailerBytes ? HttpParseError.Malformed("trailer section too large") : default;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
