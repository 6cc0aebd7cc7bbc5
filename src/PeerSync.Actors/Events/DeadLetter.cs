namespace PeerSync.Actors;

/// <summary>
/// A message that could not be delivered, published on the event stream. <see cref="Reason"/> says
/// why ("recipient stopped", "mailbox full", "peer unreachable: buffer full", ...).
/// </summary>
public sealed record DeadLetter(object Message, IActorRef? Sender, IActorRef Recipient, string Reason);
