using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server.ReviewUi;

/// <summary>The queue page: the cases waiting for review, highest priority first.</summary>
internal static class QueuePage
{
    public static void Map(WebApplication app)
    {
        // The UI's front door is the queue itself (not a redirect: clients drop the key's header on redirects).
        app.MapGet("/review", Queue).WithMetadata(ReviewEndpoints.Reviewers);
        app.MapGet("/review/queue", Queue).WithMetadata(ReviewEndpoints.Reviewers);
    }

    private static IResult Queue(HttpContext context, ReviewBreaks breaks, ServerSettings settings)
    {
        var viewer = ReviewPage.ViewerOf(context);
        return ReviewPage.Result("Queue", Html.Raw("<p class=\"muted\">No cases are waiting.</p>"), viewer,
            bodyData: ReviewEndpoints.BodyData(viewer, breaks, settings));
    }
}
