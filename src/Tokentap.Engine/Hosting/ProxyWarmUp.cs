// Right after a listener starts: issues the leaves of the exact intercepted hosts in the background, so a session's
// first intercepted request does not wait for a key and a signature.
using Tokentap.Engine.Certificates;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Hosting;

/// <summary>
/// Fills the authority's leaf cache (what the first handshake for each host would do anyway), after the end-to-end
/// warm-up (<see cref="EndToEndWarmUp"/>) on its background task. It never throws; a listener stopped meanwhile ends
/// it (the authority is disposed).
/// </summary>
internal static class ProxyWarmUp
{
    /// <summary>Issues the leaves of the exact (not wildcard) intercepted hosts the authority permits.</summary>
    public static void IssueLeaves(CertificateAuthority authority, InterceptHostList hosts) =>
        IssueLeaves(authority, hosts.Patterns.Where(p => !p.StartsWith("*.", StringComparison.Ordinal)));

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
