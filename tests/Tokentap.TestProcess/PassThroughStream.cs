// A stream that hands every call to the stream it wraps: the base of the test disks that fail or hang a write.
namespace Tokentap.TestProcess;

/// <summary>
/// Forwards every member to <see cref="Inner"/>; a test wrapper overrides <see cref="Write"/> to fail or hold one write.
/// Disposing the wrapper leaves <see cref="Inner"/> to whoever opened it, unless a wrapper says otherwise.
/// </summary>
public abstract class PassThroughStream(Stream inner) : Stream
{
    /// <summary>The stream every call goes to.</summary>
    protected Stream Inner { get; } = inner;

    public override bool CanRead => Inner.CanRead;

    public override bool CanSeek => Inner.CanSeek;

    public override bool CanWrite => Inner.CanWrite;

    public override long Length => Inner.Length;

    public override long Position
    {
        get => Inner.Position;
        set => Inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);

    public override void SetLength(long value) => Inner.SetLength(value);

    public override void Flush() => Inner.Flush();
}
