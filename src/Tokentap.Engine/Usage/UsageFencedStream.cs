// A database file as LiteDB sees it during a recorder write: every operation passes the write's fence.
namespace Tokentap.Engine.Usage;

/// <summary>
/// An unbuffered FileStream (nothing is left in a buffer for a later flush or a finalizer to write) whose every
/// operation runs through <see cref="UsageWriteFence.Run{T}"/>, so none happens after the fence was revoked. Flush
/// goes to the disk (fsync), as LiteDB's own file streams do when it commits.
/// </summary>
internal sealed class UsageFencedStream : Stream
{
    private readonly FileStream _handle;
    private readonly Stream _file;
    private readonly UsageWriteFence _fence;

    public UsageFencedStream(string path, UsageWriteFence fence)
    {
        _fence = fence;
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
            Options = FileOptions.RandomAccess,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _handle = new FileStream(path, options);
        _file = fence.WrapFile?.Invoke(_handle) ?? _handle;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _fence.Run(() => _file.Length);

    public override long Position
    {
        get => _fence.Run(() => _file.Position);
        set => _fence.Run(() => _file.Position = value);
    }

    public override int Read(byte[] buffer, int offset, int count) => _fence.Run(() => _file.Read(buffer, offset, count));

    public override void Write(byte[] buffer, int offset, int count) => _fence.Run(() => _file.Write(buffer, offset, count));

    public override long Seek(long offset, SeekOrigin origin) => _fence.Run(() => _file.Seek(offset, origin));

    public override void SetLength(long value) => _fence.Run(() => _file.SetLength(value));

    public override void Flush() => _fence.Run(() =>
    {
        _file.Flush();
        _handle.Flush(flushToDisk: true);
    });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Unbuffered: closing writes nothing, so it is allowed after a revoke (the handle must not leak).
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
