// What the proxy needs from the certificate authority: a TLS identity per intercepted host, and which patterns it covers.
using System.Net.Security;

namespace Tokentap.Engine.Certificates;

/// <summary>Issues the leaf certificates the proxy presents for intercepted hosts. Thread-safe.</summary>
public interface ILeafCertificateSource
{
    /// <summary>True when a leaf can be issued for every name <paramref name="pattern"/> can match.</summary>
    bool Covers(string pattern);

    /// <summary>The TLS server identity (leaf and chain) for <paramref name="host"/>.</summary>
    /// <exception cref="InvalidOperationException">No leaf may be issued for the host.</exception>
    SslStreamCertificateContext GetServerContext(string host);
}
