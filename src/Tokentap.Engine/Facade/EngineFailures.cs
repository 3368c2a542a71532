// The one place engine exceptions become the stable error ids, categories and targets the user sees.
using System.Net.Sockets;
using System.Security.Cryptography;
using Tokentap.Engine.Trust;
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Facade;

/// <summary>
/// Classifies exceptions by use case. The facade catches an engine exception where it happens, asks this class for the
/// <see cref="TokentapException"/> to throw instead, and lets anything unclassified through (a bug, not a failure).
/// </summary>
internal static class EngineFailures
{
    /// <summary>A usage-store failure (busy, newer schema, denied, unavailable, damaged), or null when it is not one.</summary>
    public static TokentapException? Store(Exception exception, string databasePath)
    {
        var (id, category) = StoreFailure.Classify(exception) switch
        {
            StoreFailureKind.Busy => ("DatabaseBusy", TokentapErrorCategory.ResourceBusy),
            StoreFailureKind.NewerVersion => ("DatabaseVersionNotSupported", TokentapErrorCategory.InvalidData),
            StoreFailureKind.AccessDenied => ("DatabaseAccessDenied", TokentapErrorCategory.PermissionDenied),
            StoreFailureKind.Unavailable => ("DatabaseUnavailable", TokentapErrorCategory.ReadError),
            StoreFailureKind.Damaged => ("DatabaseDamaged", TokentapErrorCategory.InvalidData),
            _ => ((string?)null, default(TokentapErrorCategory)),
        };
        return id is null ? null : Wrap(exception, id, category, databasePath);
    }

    /// <summary>A proxy that could not start: the port is taken, or the CA, a file or an option could not be used.</summary>
    public static TokentapException? Start(Exception exception, int port, string target) => exception switch
    {
        SocketException => new TokentapException(
            "PortInUse",
            TokentapErrorCategory.ResourceUnavailable,
            $"Port {port} on 127.0.0.1 is not available ({exception.Message}). Choose another with -Port, or -Port 0 for any free port.",
            port,
            exception,
            stopsCommand: true),
        IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or InvalidOperationException =>
            Wrap(exception, "StartFailed", TokentapErrorCategory.OpenError, target, stopsCommand: true),
        _ => null,
    };

    /// <summary>The certificate authority could not be opened or created.</summary>
    public static TokentapException? Authority(Exception exception, string certificatePath) =>
        exception is IOException or UnauthorizedAccessException or CryptographicException
            ? Wrap(exception, "CertificateAuthorityUnavailable", TokentapErrorCategory.OpenError, certificatePath, stopsCommand: true)
            : null;

    /// <summary>The operating system's trust store could not be found or changed.</summary>
    public static TokentapException? Trust(Exception exception, CertificateStoreScope? scope) => exception switch
    {
        TrustStoreException { NeedsElevation: true } => Wrap(exception, "ElevationRequired", TokentapErrorCategory.PermissionDenied, scope),
        TrustStoreException when scope is null => Wrap(exception, "TrustStoreNotFound", TokentapErrorCategory.NotInstalled, null, stopsCommand: true),
        TrustStoreException => Wrap(exception, "TrustStoreChangeFailed", TokentapErrorCategory.InvalidOperation, scope),
        IOException or UnauthorizedAccessException => Wrap(exception, "TrustStoreChangeFailed", TokentapErrorCategory.WriteError, scope),
        _ => null,
    };

    /// <summary>A profile file that could not be read or written.</summary>
    public static TokentapException? Profile(Exception exception, string profilePath) =>
        exception is IOException or UnauthorizedAccessException or InvalidDataException
            ? Wrap(exception, "ProfileWriteFailed", TokentapErrorCategory.WriteError, profilePath)
            : null;

    /// <summary>A price list that could not be read or merged.</summary>
    public static TokentapException? PriceList(Exception exception, string sourcePath) =>
        exception is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException
            ? Wrap(exception, "PriceListInvalid", TokentapErrorCategory.InvalidData, sourcePath)
            : null;

    /// <summary>The live view's read of the store failed; on the first read the command cannot go on.</summary>
    public static TokentapException StoreRead(Exception exception, string databasePath, bool firstRead) =>
        Wrap(exception, "StoreReadFailed", TokentapErrorCategory.ReadError, databasePath, stopsCommand: firstRead);

    /// <summary>An -InterceptHost entry that is not "host" or "host=format" with a known format.</summary>
    public static TokentapException InterceptHost(ArgumentException exception, string entry) =>
        new("InvalidInterceptHost", TokentapErrorCategory.InvalidArgument, "-InterceptHost " + exception.Message, entry, exception, stopsCommand: true);

    /// <summary>A time zone id this system does not know.</summary>
    public static TokentapException? TimeZone(Exception exception, string timeZone) =>
        exception is TimeZoneNotFoundException or InvalidTimeZoneException
            ? Wrap(exception, "TimeZoneNotFound", TokentapErrorCategory.InvalidArgument, timeZone, stopsCommand: true)
            : null;

    /// <summary>A file to read (a text to count) that could not be read.</summary>
    public static TokentapException? FileRead(Exception exception, string path) =>
        exception is IOException or UnauthorizedAccessException ? Wrap(exception, "FileReadFailed", TokentapErrorCategory.ReadError, path) : null;

    /// <summary>The export settings (export.json) or position could not be read or written.</summary>
    public static TokentapException? ExportSettings(Exception exception, string path) => exception switch
    {
        InvalidDataException => Wrap(exception, "ExportSettingsInvalid", TokentapErrorCategory.InvalidData, path, stopsCommand: true),
        IOException or UnauthorizedAccessException => Wrap(exception, "ExportSettingsWriteFailed", TokentapErrorCategory.WriteError, path, stopsCommand: true),
        _ => null,
    };

    /// <summary>A failure the facade detects itself (not an exception of the engine).</summary>
    public static TokentapException Refused(string id, TokentapErrorCategory category, string message, object? target, bool stopsCommand = true) =>
        new(id, category, message, target, null, stopsCommand);

    private static TokentapException Wrap(Exception exception, string id, TokentapErrorCategory category, object? target, bool stopsCommand = false) =>
        new(id, category, exception.Message, target, exception, stopsCommand);
}
