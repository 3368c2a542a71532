// Facade part of Watch-TokenUsage's prompt previews: whether capture is on, and the preview cache when it is.
using Tokentap.Engine.Live;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>
    /// The preview cache for a live view or a watch, when content capture is on as it begins (this process's proxy
    /// captures, or content.json turns capture on); null when it is off or the store is demo data, so nothing reads
    /// the content store. Room for the latest requests and a session screen's rows around its selection.
    /// </summary>
    internal PromptPreviews? LivePreviews(int recentRequests) =>
        !IsDemo && (Runtime.Content is not null || ContentCaptureSetting())
            ? PromptPreviews.From(Runtime.Paths, recentRequests + 2 * LiveView.DetailPreviewReach + 64)
            : null;
}
