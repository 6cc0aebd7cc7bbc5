using Microsoft.Extensions.Logging;

namespace PeerSync.Actors;

public sealed partial class ActorSystem
{
    /// <summary>
    /// `/`: watches `/user` and `/system`. When `/user` stops (terminate, or a failure escalated
    /// all the way up), it stops `/system`, then itself, which completes termination.
    /// </summary>
    private sealed class RootGuardian : ActorBase
    {
        private IActorRef? _user;
        private IActorRef? _system;

        protected internal override void PreStart()
        {
            _user = Context.Child("user");
            _system = Context.Child("system");
            if (_user is not null)
            {
                Context.Watch(_user);
            }

            if (_system is not null)
            {
                Context.Watch(_system);
            }
        }

        protected internal override bool Receive(object message)
        {
            if (message is not Terminated terminated)
            {
                return false;
            }

            if (terminated.ActorRef.Equals(_user) && _system is not null)
            {
                Context.Stop(_system);
            }
            else if (terminated.ActorRef.Equals(_system))
            {
                Context.Stop(Self);
            }

            return true;
        }

        // A guardian that fails (or escalates a failure to here) is stopped, which stops the system:
        // there is nobody above to decide anything better.
        protected internal override SupervisorStrategy SupervisorStrategy() => Actors.SupervisorStrategy.StoppingStrategy;
    }

    /// <summary>`/user` and `/system`: they only supervise.</summary>
    private sealed class Guardian(SupervisorStrategy strategy) : ActorBase
    {
        protected internal override bool Receive(object message) => false;

        protected internal override SupervisorStrategy SupervisorStrategy() => strategy;
    }

    /// <summary>The parent of the root: learns when the root stops, and handles a failing root.</summary>
    private sealed class RootParent(ActorSystem system, ActorPath rootPath) : ActorRefBase, IInternalActorRef
    {
        public override ActorPath Path { get; } = rootPath.Child("bubble-walker");

        public bool IsTerminated => system.IsTerminated;

        public ActorSystem System => system;

        public override void Tell(object message, IActorRef? sender) =>
            system.DeadLetter(message, sender, this, "the root's parent takes no messages");

        public void SendSystemMessage(SystemMessage message)
        {
            switch (message)
            {
                case DeathWatchNotification:
                    system.OnRootTerminated();
                    break;
                case ChildFailed failed:
                    system.Log.LogCritical(failed.Cause, "The root guardian failed; stopping actor system {ActorSystem}", system.Name);
                    failed.Child.SendSystemMessage(new TerminateActor());
                    break;
            }
        }
    }
}
