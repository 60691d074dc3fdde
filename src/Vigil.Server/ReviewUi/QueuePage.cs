using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server.ReviewUi;

/// <summary>The queue page: the cases waiting for review, highest priority first.</summary>
internal static class QueuePage
{
    public static void Map(WebApplication app) =>
        app.MapGet("/review/queue", (HttpContext context, ReviewBreaks breaks, ServerSettings settings) =>
        {
            var viewer = ReviewPage.ViewerOf(context);
            return ReviewPage.Result("Queue", Html.Raw("<p class=\"muted\">No cases are waiting.</p>"), viewer,
                bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
        }).WithMetadata(ReviewEndpoints.Reviewers);
}
