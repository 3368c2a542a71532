// Facade use cases for the session variables: computed once here, applied and restored by the module.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.SessionVariables;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>The Tokentap root certificate (PEM): the one place its path is made.</summary>
    public string CaCertificatePath => Path.Combine(Runtime.Paths.CaDirectory, CertificateAuthority.CertificateFileName);

    /// <summary>The system roots plus the Tokentap root (PEM), for clients whose trust variable replaces the system roots.</summary>
    public string CaBundlePath => Path.Combine(Runtime.Paths.CaDirectory, CertificateAuthority.BundleFileName);

    /// <summary>
    /// The variables that point this process's clients at a proxy and make them trust the Tokentap CA: for the proxy on
    /// <paramref name="port"/> (one another shell runs), or for this process's proxy when <paramref name="port"/> is null.
    /// Throws NotRunning when no port is given and no proxy runs here. Doubts about the user's own trust files go to
    /// <paramref name="messages"/>.
    /// </summary>
    public IReadOnlyList<TokentapEnvironmentVariable> GetEnvironment(int? port, ITokentapMessages messages)
    {
        var proxyUrl = port is { } given ? $"http://127.0.0.1:{given}" : ProxyUrl;
        if (proxyUrl is null)
        {
            throw EngineFailures.Refused(
                "NotRunning",
                TokentapErrorCategory.ObjectNotFound,
                "Tokentap is not running in this session. Run Start-Tokentap, or give the port of a proxy running elsewhere with -Port.",
                null);
        }

        var variables = EnvironmentFor(proxyUrl, messages);
        Hosting.StartTrace.Mark("session variables computed");
        return variables;
    }

    /// <summary>The variables as text to paste into a .env file, another PowerShell, or a POSIX shell.</summary>
    public static string FormatEnvironment(IEnumerable<TokentapEnvironmentVariable> variables, TokentapEnvironmentFormat format) =>
        SessionEnvironment.Format(variables, format);

    /// <summary>The one computation of the variables, from this process's current environment.</summary>
    private IReadOnlyList<TokentapEnvironmentVariable> EnvironmentFor(string proxyUrl, ITokentapMessages messages) =>
        SessionEnvironment.Compute(
            proxyUrl,
            CaCertificatePath,
            CaBundlePath,
            Environment.GetEnvironmentVariable,
            caseSensitiveNames: !OperatingSystem.IsWindows(),
            messages.WriteWarning);
}
