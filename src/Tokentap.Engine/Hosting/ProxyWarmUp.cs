// Right after a listener starts: issues the leaves of the exact intercepted hosts in the background, so a session's
// first intercepted request does not wait for a key, a signature and the certificate code's first compilation.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// A background task per started listener that fills the authority's leaf cache (what the first handshake for each
/// host would do anyway). It never throws; a listener stopped meanwhile ends it (the authority is disposed). A fuller
/// warm-up (an in-memory TLS handshake, the system roots) was measured and left out: the first stream still compiled
/// as many methods, so it only added CPU at start (docs/benchmarks.md, "Cold and tail").
/// </summary>
internal static class ProxyWarmUp
{
    /// <summary>Starts the warm-up; the task ends when it is done or the authority is gone.</summary>
    public static Task Start(CertificateAuthority authority, InterceptHostList hosts) =>
        Task.Run(() => IssueLeaves(authority, hosts.Patterns.Where(p => !p.StartsWith("*.", StringComparison.Ordinal))));

    private static void IssueLeaves(CertificateAuthority authority, IEnumerable<string> exactHosts)
    {
        foreach (var host in exactHosts)
        {
            try
            {
                if (authority.Permits(host))
                {
                    authority.GetServerContext(host);
                }
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The handshake that needs this leaf issues it again and reports what goes wrong there.
            }
        }
    }
}
